"""Tests of real_world.py's counting and flag handling (run: python3 -m unittest benches/test_real_world.py)."""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import real_world  # noqa: E402


def finding(verdict, group=None):
    f = {"verdict": verdict}
    if group:
        f["group"] = group
    return f


class RowTests(unittest.TestCase):
    def test_groups_are_one_row_and_noise_is_not_shown(self):
        """Findings sharing a group id are one row; noise rows are counted but not shown."""
        report = {"findings": [finding("noise", "labels")] * 76 + [finding("lie", "img")] * 16
                  + [finding("lie"), finding("cut"), finding(None)]}
        c = real_world.rows(report)
        self.assertEqual((c["findings"], c["shown"], c["lie"], c["cut"], c["unclassified"], c["noise"]),
                         (95, 4, 2, 1, 1, 1))

    def test_without_groups_every_finding_is_a_row(self):
        """Before issue 12 (no group ids) each finding is its own row."""
        c = real_world.rows({"findings": [finding("lie")] * 3})
        self.assertEqual((c["shown"], c["lie"]), (3, 3))


class FlagTests(unittest.TestCase):
    def test_drop_map_namespace_both_spellings(self):
        """Both `--map-namespace X` and `--map-namespace=X` are dropped; other flags stay in order."""
        args = ["s.yaml", "p.yaml", "--map-namespace", "a=b", "--prod-namespace", "p",
                "--map-namespace=c=d", "--show-noise"]
        self.assertEqual(real_world.drop_map_namespace(args),
                         ["s.yaml", "p.yaml", "--prod-namespace", "p", "--show-noise"])


if __name__ == "__main__":
    unittest.main()
