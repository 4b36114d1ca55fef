/* animframe.c - animation frame callbacks held back on request */
#include "animframe.h"

/* Runs in every document before its own scripts. A callback due while
 * the hold is on asks for the frame after instead; the page keeps the id
 * it was given, so cancelling still finds it. A callback that is not a
 * function goes to the browser as is, for its own error. */
static const char script[] =
"(() => {\n"
"if (window.__ntHoldFrames) return;\n"
"const request = window.requestAnimationFrame.bind(window);\n"
"const cancel = window.cancelAnimationFrame.bind(window);\n"
"const queued = new Map();\n"
"let hold = false, last = 0;\n"
"const run = (id, cb) => t => {\n"
"  if (hold) { queued.set(id, request(run(id, cb))); return; }\n"
"  queued.delete(id);\n"
"  cb(t);\n"
"};\n"
"window.requestAnimationFrame = cb => {\n"
"  if (typeof cb !== 'function') return request(cb);\n"
"  const id = ++last;\n"
"  queued.set(id, request(run(id, cb)));\n"
"  return id;\n"
"};\n"
"window.cancelAnimationFrame = id => {\n"
"  if (queued.has(id)) { cancel(queued.get(id)); queued.delete(id); }\n"
"};\n"
"window.__ntHoldFrames = on => { hold = on; };\n"
"})();\n";

void animframe_install(struct cdp *cdp, const char *session)
{
	cdp_add_document_script(cdp, session, script);
}

void animframe_hold(struct cdp *cdp, const char *session, int hold)
{
	/* between documents there is nothing to hold */
	cdp_eval_quietly(cdp, session, hold ? "window.__ntHoldFrames && __ntHoldFrames(true)"
					    : "window.__ntHoldFrames && __ntHoldFrames(false)");
}
