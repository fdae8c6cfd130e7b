TEST_GEN_PROGS += region_test
