# -*- Python -*-
# Runs the gtest unit tests (test/Numerics) as lit tests, one per gtest test.
import os

import lit.formats

config.name = "FP8-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.fp8_obj_root, "test", "Numerics")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
