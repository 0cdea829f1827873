from unittest import TestCase

import numpy as np
import pytest

import mmbcl  # noqa: F401
from mmbcl.datasets import long_tail_indices, long_tail_profile


def ldam_selection(targets, img_num_per_cls):
    """LDAM-DRW's ``gen_imbalanced_data``, verbatim in substance."""
    np.random.seed(0)
    targets_np = np.array(targets, dtype=np.int64)
    selected = []
    for the_class, the_img_num in zip(np.unique(targets_np),
                                      img_num_per_cls):
        idx = np.where(targets_np == the_class)[0]
        np.random.shuffle(idx)
        selected.append(idx[:the_img_num])
    return np.concatenate(selected)


class TestLongTailProfile(TestCase):

    def test_published_sizes(self):
        # the CIFAR-LT training set sizes every paper reports
        sizes = {(5000, 10, 0.01): 12406, (5000, 10, 0.02): 13996,
                 (5000, 10, 0.1): 20431, (500, 100, 0.01): 10847,
                 (500, 100, 0.02): 12608, (500, 100, 0.1): 19573}
        for (n_max, c, f), size in sizes.items():
            self.assertEqual(sum(long_tail_profile(n_max, c, f)), size)

    def test_exp_and_step(self):
        self.assertEqual(
            long_tail_profile(5000, 10, 0.01),
            [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50])
        self.assertEqual(
            long_tail_profile(100, 4, 0.1, 'step'), [100, 100, 10, 10])

    def test_bad_imb_factor(self):
        for bad in (0, -0.5, 1.5, 100, None):
            with pytest.raises(ValueError, match=r'imb_factor must be in'):
                long_tail_profile(100, 10, bad)

    def test_bad_imb_type(self):
        with pytest.raises(ValueError, match="imb_type must be one of"):
            long_tail_profile(100, 10, 0.1, 'linear')


class TestLongTailIndices(TestCase):

    def test_matches_ldam_drw(self):
        rng = np.random.RandomState(3)
        targets = rng.randint(0, 10, size=3000)
        counts = long_tail_profile(200, 10, 0.05)
        np.testing.assert_array_equal(
            long_tail_indices(targets, counts, seed=0),
            ldam_selection(targets, counts))

    def test_empty_class_error(self):
        with pytest.raises(ValueError, match='class 2 would be empty'):
            long_tail_indices([0, 1, 2], [1, 1, 0])

    def test_too_few_images_error(self):
        with pytest.raises(ValueError, match='class 1 has 1 images'):
            long_tail_indices([0, 0, 1], [2, 2])
