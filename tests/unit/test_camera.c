/* Unit tests: the camera's path is a function of the frame index, eased,
 * monotonic, and its view never leaves the page. */
#include <math.h>
#include <stdio.h>

#include "camera.h"
#include "check.h"

static int near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

int main(void)
{
	struct camera c = { 0 };
	struct shot s;
	struct view v;
	double last = 0, t;
	long f;

	for (t = 0; t <= 1.0001; t += 0.01) {
		CHECK(camera_ease(t) >= last);
		last = camera_ease(t);
	}
	CHECK(camera_ease(-1) == 0 && camera_ease(0) == 0 && camera_ease(1) == 1 &&
	      camera_ease(2) == 1 && near(camera_ease(0.5), 0.5));

	/* 320x240, 30 frames to 2x at (220, 160) */
	camera_init(&c, NULL, 320, 240, 30);
	camera_shot(&c, 0, &s);
	CHECK(near(s.z, 1) && near(s.cx, 160) && near(s.cy, 120));
	camera_aim(&c, 0, 2, 220, 160);
	last = 1;
	for (f = 0; f <= 40; f++) {
		camera_shot(&c, f, &s);
		CHECK(s.z >= last);
		last = s.z;
		camera_view(&c, &s, &v);
		CHECK(v.x >= 0 && v.y >= 0 && v.x + v.width <= 320 + 1e-9 &&
		      v.y + v.height <= 240 + 1e-9);
	}
	camera_shot(&c, 30, &s);
	camera_view(&c, &s, &v);
	CHECK(near(v.scale, 2) && near(v.x, 140) && near(v.y, 100) && near(v.width, 160) &&
	      near(v.height, 120));
	camera_shot(&c, 29, &s);
	CHECK(s.z < 2);

	/* a centre past the corner, outside the view: the camera zooms out on
	 * the way (over twice the time), and the view slides back inside */
	camera_aim(&c, 30, 4, 320, 240);
	CHECK(c.dip && c.duration == 60);
	camera_shot(&c, 60, &s);
	CHECK(s.z < 2);
	camera_shot(&c, 90, &s);
	camera_view(&c, &s, &v);
	CHECK(near(v.x, 240) && near(v.y, 180) && near(v.width, 80));

	/* a target inside the view: a plain move; one whose view the
	 * camera already shows: none */
	camera_aim(&c, 90, 4, 300, 230);
	CHECK(!c.dip && c.duration == 0 && c.stops[c.stop_count - 1].frame == 90);
	camera_aim(&c, 90, 3, 300, 230);
	CHECK(!c.dip && c.duration == 30);
	camera_aim(&c, 90, 4, 300, 230);

	/* a new aim starts from where the picture is: no jump at its frame */
	camera_aim(&c, 120, 2, 0, 0);
	camera_shot(&c, 120, &s);
	camera_view(&c, &s, &v);
	CHECK(near(v.scale, 4) && near(v.x, 240) && near(v.y, 180));
	camera_init(&c, NULL, 320, 240, 0);
	camera_aim(&c, 5, 3, 100, 100);
	camera_shot(&c, 5, &s);
	CHECK(near(s.z, 3));

	/* placed where the last clip left the picture: there from frame 0 */
	camera_init(&c, NULL, 320, 240, 30);
	s.z = 2;
	s.cx = 220;
	s.cy = 160;
	camera_place(&c, &s);
	camera_shot(&c, 0, &s);
	CHECK(near(s.z, 2) && near(s.cx, 220) && c.stop_count == 0);
	camera_aim(&c, 0, 2, 220, 160);
	CHECK(c.duration == 0 && c.stop_count == 1 && c.stops[0].frame == 0);

	/* the fitted zoom: a small button as close as it goes, a field to
	 * 60 % of the frame, a wide element whole, rounded down to 0.05 */
	camera_init(&c, NULL, 640, 360, 18);
	CHECK(near(camera_fit(&c, (double[]){ 20, 20, 60, 30 }, FRAME_WHOLE), 3));
	CHECK(near(camera_fit(&c, (double[]){ 400, 270, 172, 32 }, FRAME_WHOLE), 2.2));
	CHECK(near(camera_fit(&c, (double[]){ 60, 150, 500, 40 }, FRAME_WHOLE), 1.15));
	CHECK(near(camera_fit(&c, (double[]){ 0, 0, 640, 360 }, FRAME_WHOLE), 1));
	/* framed by its start, a wide terminal counts by its height */
	CHECK(near(camera_fit(&c, (double[]){ 0, 240, 640, 120 }, FRAME_START), 1.8));
	c.closer = 1.15;
	CHECK(near(camera_fit(&c, (double[]){ 400, 270, 172, 32 }, FRAME_WHOLE), 2.55));
	CHECK(near(camera_fit(&c, (double[]){ 20, 20, 60, 30 }, FRAME_WHOLE), 3));
	return check_done();
}
