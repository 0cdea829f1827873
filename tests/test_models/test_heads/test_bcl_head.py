from unittest import TestCase

import pytest
import torch
import torch.nn.functional as F

import mmbcl  # noqa: F401
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample


def samples(labels):
    return [DataSample().set_gt_label(label) for label in labels]


class TestBCLHead(TestCase):
    DEFAULT_ARGS = dict(
        type='BCLHead',
        num_classes=4,
        in_channels=16,
        feat_dim=8,
        loss=dict(type='LogitAdjustLoss', loss_weight=2.0,
                  class_counts=[40, 20, 5, 2]),
        contrast_loss=dict(type='BCLLoss', loss_weight=0.6))

    def test_shapes_and_prototypes(self):
        head = MODELS.build(self.DEFAULT_ARGS)
        self.assertEqual(head((torch.randn(5, 16), )).shape, (5, 4))
        protos = head.prototypes()
        self.assertEqual(protos.shape, (4, 8))
        torch.testing.assert_close(protos.norm(dim=1), torch.ones(4))
        # authors' init: every class vector of unit norm
        torch.testing.assert_close(head.fc.weight.norm(dim=1), torch.ones(4))

    def test_cosine_scale(self):
        for scale in (30.0, 16.0):
            head = MODELS.build(dict(self.DEFAULT_ARGS, scale=scale))
            x = torch.randn(6, 16)
            want = scale * F.normalize(x, dim=1) @ F.normalize(
                head.fc.weight, dim=1).t()
            torch.testing.assert_close(head((x, )), want)
            # a feature along a class vector scores exactly the scale
            along = 3 * head.fc.weight[:2].detach()
            torch.testing.assert_close(head((along, )).diagonal(),
                                       torch.full((2, ), scale))

    def test_loss_parts_logged_separately(self):
        head = MODELS.build(self.DEFAULT_ARGS)
        feats = torch.randn(3 * 4, 16, requires_grad=True)
        losses = head.loss((feats, ), samples([0, 1, 1, 3]))
        self.assertEqual(set(losses), {'loss_cls', 'loss_bcl'})
        sum(losses.values()).backward()
        self.assertIsNotNone(head.proto_mlp[0].weight.grad)
        self.assertIsNotNone(head.fc.weight.grad)

    def test_linear_classifier_option(self):
        head = MODELS.build(dict(self.DEFAULT_ARGS, cosine_classifier=False))
        self.assertIsInstance(head.fc, torch.nn.Linear)
        losses = head.loss((torch.randn(6, 16), ), samples([0, 2]))
        self.assertTrue(torch.isfinite(losses['loss_bcl']))

    def test_predict(self):
        head = MODELS.build(self.DEFAULT_ARGS).eval()
        x = torch.randn(3, 16)
        preds = head.predict((x, ))
        self.assertEqual(len(preds), 3)
        self.assertEqual(preds[0].pred_score.shape, (4, ))
        want = F.normalize(head.contrast_mlp(x), dim=1)
        for pred, feature in zip(preds, want):
            self.assertEqual(pred.contrast_feat.shape, (8, ))
            torch.testing.assert_close(pred.contrast_feat, feature)
            self.assertAlmostEqual(pred.contrast_feat.norm().item(), 1, 5)

    def test_wrong_in_channels_error(self):
        head = MODELS.build(self.DEFAULT_ARGS)
        with pytest.raises(ValueError, match='in_channels=16'):
            head((torch.randn(2, 32), ))

    def test_wrong_view_count_error(self):
        head = MODELS.build(self.DEFAULT_ARGS)
        with pytest.raises(ValueError, match=r'3 view\(s\) x 2 samples'):
            head.loss((torch.randn(4, 16), ), samples([0, 1]))

    def test_num_classes_mismatch_error(self):
        head = MODELS.build(self.DEFAULT_ARGS)
        with pytest.raises(ValueError, match='num_classes=4 but the training'):
            head.set_class_counts([5, 5, 5])

    def test_bad_num_classes_error(self):
        with pytest.raises(ValueError, match='num_classes must be a positive'):
            MODELS.build(dict(self.DEFAULT_ARGS, num_classes=0))

    def test_hidden_channels(self):
        head = MODELS.build(dict(self.DEFAULT_ARGS, hidden_channels=32))
        for mlp in (head.contrast_mlp, head.proto_mlp):
            self.assertEqual(
                [tuple(m.weight.shape) for m in (mlp[0], mlp[1], mlp[3])],
                [(32, 16), (32, ), (8, 32)])
        default = MODELS.build(self.DEFAULT_ARGS)  # in_channels wide
        self.assertEqual(tuple(default.contrast_mlp[0].weight.shape),
                         (16, 16))
        with pytest.raises(ValueError, match='hidden_channels must be a '
                           'positive int or None, got 0'):
            MODELS.build(dict(self.DEFAULT_ARGS, hidden_channels=0))

    def test_no_prototype_mlp_without_class_complement(self):
        head = MODELS.build(dict(
            self.DEFAULT_ARGS,
            contrast_loss=dict(type='BCLLoss', class_complement=False)))
        self.assertIsNone(head.proto_mlp)
        self.assertIsNone(head.prototypes())
        losses = head.loss((torch.randn(12, 16), ), samples([0, 1, 1, 3]))
        sum(losses.values()).backward()
        # every parameter is trained (DDP needs no find_unused_parameters)
        for name, param in head.named_parameters():
            self.assertIsNotNone(param.grad, name)

    def test_no_contrastive_branch(self):
        """contrast_loss=None: the LA-CE baseline on one view."""
        head = MODELS.build(dict(self.DEFAULT_ARGS, contrast_loss=None))
        self.assertIsNone(head.contrast_mlp)
        self.assertIsNone(head.proto_mlp)
        losses = head.loss((torch.randn(4, 16), ), samples([0, 1, 1, 3]))
        self.assertEqual(set(losses), {'loss_cls'})
        preds = head.predict((torch.randn(2, 16), ))
        self.assertNotIn('contrast_feat', preds[0])
        with pytest.raises(ValueError, match=r'1 view\(s\) x 2 samples'):
            head.loss((torch.randn(6, 16), ), samples([0, 1]))


def proco_head(**contrast):
    return MODELS.build(
        dict(type='BCLHead', num_classes=4, in_channels=16, feat_dim=32,
             loss=dict(type='LogitAdjustLoss', class_counts=[40, 20, 5, 2]),
             contrast_loss=dict(type='ProCoLoss', **contrast)))


def test_proco_head_has_no_prototypes_and_passes_its_sizes():
    head = proco_head()
    assert head.proto_mlp is None and head.prototypes() is None
    assert (head.contrast_loss.num_classes, head.contrast_loss.feat_dim) == (
        4, 32)
    head.contrast_loss.logit_adjust.set_class_counts([40, 20, 5, 2])
    head.contrast_loss.start_epoch(0)
    losses = head.loss((torch.randn(6, 16), ), samples([0, 3]))
    assert set(losses) == {'loss_cls', 'loss_proco'}
    assert all(torch.isfinite(v) for v in losses.values())


def test_proco_sizes_that_disagree_with_the_head_are_refused():
    from mmbcl.errors import ConfigError
    with pytest.raises(ConfigError, match='contrast_loss num_classes=5 but '
                       'the head has num_classes=4'):
        proco_head(num_classes=5)


def pasted_samples(labels, paste_labels, lam):
    """Samples as the data preprocessor leaves a pasted batch."""
    out = samples(labels)
    for sample, a, b in zip(out, labels, paste_labels):
        score = torch.zeros(4)
        score[a] += lam
        score[b] += 1 - lam
        sample.set_gt_score(score)
    return out


CONCUTMIX_HEAD = dict(
    TestBCLHead.DEFAULT_ARGS,
    mix_label=dict(type='SemanticallyConsistentLabel',
                   scaling_factor=(20, 255), topk=2, warmup_epochs=2))


@pytest.mark.parametrize('epoch', [0, 1, 2, 5])
def test_concutmix_classifier_learns_the_mixed_label(epoch):
    """Pasted batch: LA-CE on the area label during the warm-up, on the
    semantically consistent label after it (from the mixed views'
    un-normalised features and prototypes); the contrastive loss keeps the
    images' own labels."""
    from mmengine.logging import MessageHub

    from mmbcl.models.utils import semantically_consistent_label
    MessageHub.get_current_instance().update_info('epoch', epoch)
    torch.manual_seed(0)
    head = MODELS.build(CONCUTMIX_HEAD)
    head.mix_label.set_class_counts([40, 20, 5, 2])
    feats = torch.randn(12, 16)
    labels, paste_labels, lam = [0, 1, 1, 3], [3, 2, 0, 3], 0.7
    got = head.loss((feats, ), pasted_samples(labels, paste_labels, lam))
    area = torch.stack([s.gt_score for s in pasted_samples(
        labels, paste_labels, lam)])
    target = area
    if epoch >= 2:
        target = semantically_consistent_label(
            head.contrast_mlp(feats)[:4], head.proto_mlp(head.fc.weight),
            area, torch.tensor([40, 20, 5, 2]), 20 / 255, 2)
        assert not torch.allclose(target, area)
    logits = head.fc(feats[:4])
    torch.testing.assert_close(got['loss_cls'],
                               head.loss_module(logits, target,
                                                avg_factor=4))
    plain = MODELS.build(TestBCLHead.DEFAULT_ARGS)
    plain.load_state_dict(head.state_dict())
    torch.testing.assert_close(
        got['loss_bcl'], plain.loss((feats, ), samples(labels))['loss_bcl'])


def test_mixed_label_needs_prototypes():
    from mmbcl.errors import ConfigError
    with pytest.raises(ConfigError, match='mix_label.*no prototype MLP'):
        MODELS.build(dict(
            CONCUTMIX_HEAD,
            contrast_loss=dict(type='BCLLoss', class_complement=False)))


def test_concutmix_head_step_makes_no_host_sync():
    """The rectified label and its loss, forward and backward: no op that
    reads a value back (``.item()``, ``nonzero``)."""
    from mmengine.logging import MessageHub

    from tests.test_models.test_losses.test_proco_loss import Ops
    MessageHub.get_current_instance().update_info('epoch', 9)
    head = MODELS.build(CONCUTMIX_HEAD)
    head.mix_label.set_class_counts([40, 20, 5, 2])
    feats = torch.randn(12, 16, requires_grad=True)
    batch = pasted_samples([0, 1, 1, 3], [3, 2, 0, 3], 0.6)
    with Ops() as ops:
        sum(head.loss((feats, ), batch).values()).backward()
    syncs = [n for n in ops.names if 'local_scalar_dense' in n or
             'nonzero' in n or '.item' in n]
    assert not syncs, syncs
