// Not compiled: input of the readme_blocks_mismatch_is_reported test.
// [readme:same]
int same = 1;
// [end]
// [readme:changed]
int changed = 2;
// [end]
// [readme:unshown]
int unshown = 3;
// [end]
