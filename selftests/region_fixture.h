/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FIXTURE(region), shared by region_test, desc_test and doorbell_test: one
 * connection with a RGN_SIZE region, both sides mapped. It needs the
 * harness, so it lives here rather than in region_util.c: include it after
 * kselftest_harness.h and region_util.h.
 */
#ifndef REGION_FIXTURE_H
#define REGION_FIXTURE_H

FIXTURE(region) {
	struct rgn r;
};

FIXTURE_SETUP(region)
{
	ASSERT_EQ(0, rgn_open(&self->r, "rgn", RGN_SIZE));
	ASSERT_EQ(32768U, self->r.l.area_size);
}

FIXTURE_TEARDOWN(region)
{
	rgn_close(&self->r);
}

#endif /* REGION_FIXTURE_H */
