// SPDX-License-Identifier: GPL-3.0-or-later
// A real shared library that is not a Qt plugin: the catalog must refuse it without loading it.

extern "C" int fastmap_test_plain_answer()
{
    return 42;
}
