/* caret.c - the text caret, blinking on the frame clock */
#include "caret.h"

/* Runs in every document before its own scripts. The page's caret is made
 * transparent; a bar of one pixel stands in for it, drawn where the
 * focused field's caret is and in the field's text colour. Its place is
 * worked out again only when an input event, a focus change or a scroll
 * may have moved it (input events reach the page before the frame that
 * must show them), and its blink changes only when __ntCaret is called,
 * once per half second of recorded video, and at each clip's start, which
 * shows it. Typing since the last call keeps it on, as a browser's caret
 * stays on while one types. VS Code draws its own caret: that one is held
 * visible, and hidden in the off half of the blink. Fields inside VS Code
 * are left to it. */
static const char script[] =
"(() => {\n"
"if (window.__ntCaret) return;\n"
"let on = true, typed = false, bar = null, key = '';\n"
"const css = '*, *::before, *::after { caret-color: transparent !important; }'\n"
" + '.monaco-editor .cursors-layer, .monaco-editor .cursors-layer > .cursor'\n"
" + ' { visibility: inherit !important; animation: none !important; }'\n"
" + 'html.nt-caret-off .monaco-editor .cursors-layer { visibility: hidden !important; }';\n"
"const texty = /^(text|search|url|tel|email|password|number|)$/;\n"
"const field = el => el && !el.closest('.monaco-editor, .xterm') &&\n"
"  ((el.tagName === 'INPUT' && texty.test(el.type)) || el.tagName === 'TEXTAREA' ||\n"
"   el.isContentEditable) ? el : null;\n"
"const mount = () => {\n"
"  if (bar || !document.documentElement) return;\n"
"  const style = document.createElement('style');\n"
"  style.textContent = css;\n"
"  bar = document.createElement('div');\n"
"  bar.style.cssText = 'position: fixed; z-index: 2147483646; pointer-events: none;'\n"
"    + ' width: 1px; left: 0; top: 0; height: 0; display: none; margin: 0;';\n"
"  document.documentElement.append(style, bar);\n"
"};\n"
"const where = el => {\n"
"  if (el.isContentEditable) {\n"
"    const sel = getSelection();\n"
"    if (!sel.rangeCount) return null;\n"
"    const range = sel.getRangeAt(0).cloneRange();\n"
"    range.collapse(false);\n"
"    let r = range.getClientRects()[0];\n"
"    if (!r) {\n"
"      const box = el.getBoundingClientRect(), cs = getComputedStyle(el);\n"
"      const h = parseFloat(cs.fontSize) * 1.2;\n"
"      return { x: box.left + parseFloat(cs.paddingLeft) + parseFloat(cs.borderLeftWidth),\n"
"               y: box.top + parseFloat(cs.paddingTop) + parseFloat(cs.borderTopWidth), h };\n"
"    }\n"
"    return { x: r.left, y: r.top, h: r.height };\n"
"  }\n"
"  const cs = getComputedStyle(el), box = el.getBoundingClientRect();\n"
"  const copy = document.createElement('div'), s = copy.style, single = el.tagName === 'INPUT';\n"
"  for (const p of ['boxSizing', 'width', 'height', 'borderTopWidth', 'borderRightWidth',\n"
"      'borderBottomWidth', 'borderLeftWidth', 'borderStyle', 'paddingTop', 'paddingRight',\n"
"      'paddingBottom', 'paddingLeft', 'fontStyle', 'fontVariant', 'fontWeight', 'fontStretch',\n"
"      'fontSize', 'fontFamily', 'lineHeight', 'textAlign', 'textTransform', 'textIndent',\n"
"      'letterSpacing', 'wordSpacing', 'tabSize'])\n"
"    s[p] = cs[p];\n"
"  s.position = 'fixed'; s.left = box.left + 'px'; s.top = box.top + 'px';\n"
"  s.visibility = 'hidden'; s.overflow = 'hidden';\n"
"  s.whiteSpace = single ? 'pre' : 'pre-wrap'; s.overflowWrap = single ? 'normal' : 'break-word';\n"
"  const at = el.selectionEnd == null ? el.value.length : el.selectionEnd;\n"
"  const text = el.type === 'password' ? '\\u2022'.repeat(el.value.length) : el.value;\n"
"  const mark = document.createElement('span');\n"
"  copy.textContent = text.slice(0, at);\n"
"  mark.textContent = text.slice(at) || '.';\n"
"  copy.append(mark);\n"
"  document.documentElement.append(copy);\n"
"  const r = mark.getClientRects()[0];\n"
"  copy.remove();\n"
"  if (!r) return null;\n"
"  return { x: r.left - el.scrollLeft,\n"
"           y: single ? box.top + (box.height - r.height) / 2 : r.top - el.scrollTop, h: r.height };\n"
"};\n"
"const update = () => {\n"
"  mount();\n"
"  if (!bar) return;\n"
"  const el = field(document.activeElement);\n"
"  let next = 'none';\n"
"  if (el && on && (el.selectionStart === undefined || el.selectionStart === el.selectionEnd)) {\n"
"    const p = where(el);\n"
"    if (p && p.h > 0)\n"
"      next = `left: ${Math.round(p.x)}px; top: ${Math.round(p.y)}px; height: ${Math.round(p.h)}px;`\n"
"        + ` background: ${getComputedStyle(el).color}; display: block;`;\n"
"  }\n"
"  if (next !== key) {\n"
"    key = next;\n"
"    if (next === 'none') bar.style.display = 'none';\n"
"    else bar.style.cssText = 'position: fixed; z-index: 2147483646; pointer-events: none;'\n"
"      + ' width: 1px; margin: 0; ' + next;\n"
"  }\n"
"};\n"
"const moved = () => { typed = true; on = true; update(); };\n"
"for (const e of ['input', 'keydown', 'keyup', 'mousedown', 'mouseup', 'focusin'])\n"
"  addEventListener(e, moved, true);\n"
"for (const e of ['focusout', 'scroll', 'resize'])\n"
"  addEventListener(e, update, true);\n"
"window.__ntCaret = start => {\n"
"  const editor = document.querySelector('.monaco-editor.focused');\n"
"  on = start || typed || (!field(document.activeElement) && !editor) ? true : !on;\n"
"  typed = false;\n"
"  if (document.documentElement)\n"
"    document.documentElement.classList.toggle('nt-caret-off', !on);\n"
"  update();\n"
"};\n"
"window.__ntCaretLive = () => !!(field(document.activeElement) ||\n"
"  document.querySelector('.monaco-editor.focused'));\n"
"if (document.documentElement) mount();\n"
"else document.addEventListener('DOMContentLoaded', mount);\n"
"})();\n";

void caret_install(struct cdp *cdp, const char *session)
{
	cdp_add_document_script(cdp, session, script);
}

int caret_live(struct cdp *cdp, const char *session)
{
	cJSON *params = cJSON_CreateObject(), *r;
	const char *err;
	int live;

	cJSON_AddStringToObject(params, "expression",
				"!!(window.__ntCaretLive && window.__ntCaretLive())");
	cJSON_AddBoolToObject(params, "returnByValue", 1);
	/* a page between documents has no caret */
	r = cdp_call(cdp, session, "Runtime.evaluate", params, &err);
	live = r && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
			    cJSON_GetObjectItemCaseSensitive(r, "result"), "value"));
	cJSON_Delete(r);
	return live;
}

void caret_tick(struct cdp *cdp, const char *session, int clip_start)
{
	/* between documents there is no caret to blink: nothing lost */
	cdp_eval_quietly(cdp, session, clip_start ? "window.__ntCaret && window.__ntCaret(true)"
						  : "window.__ntCaret && window.__ntCaret(false)");
}
