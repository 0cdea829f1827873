"""BCLHead: cosine classifier + contrastive MLP + prototype MLP."""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmpretrain.models.heads import ClsHead
from mmpretrain.models.heads.margin_head import NormProduct
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from ...errors import ConfigError


def projection_mlp(in_channels: int, feat_dim: int,
                   hidden_channels: Optional[int] = None) -> nn.Sequential:
    """``in -> hidden -> BN -> ReLU -> feat_dim``, the authors' ``head``.

    ``hidden_channels`` defaults to ``in_channels`` (the authors' ImageNet
    layout, ``2048 -> 2048 -> 1024``). The indices (0: Linear, 1: BN,
    3: Linear) match the authors' ``nn.Sequential`` so their weights map
    one to one.
    """
    hidden = hidden_channels or in_channels
    return nn.Sequential(
        nn.Linear(in_channels, hidden), nn.BatchNorm1d(hidden),
        nn.ReLU(inplace=True), nn.Linear(hidden, feat_dim))


def build_contrast_loss(cfg, num_classes: int,
                        feat_dim: int) -> Optional[nn.Module]:
    """Build the head's contrastive loss.

    A loss that keeps per-class state of the contrastive features
    (``sized_by_head``, e.g. ``ProCoLoss``) gets the head's ``num_classes``
    and ``feat_dim`` unless its config sets them, and must agree with them.
    """
    if cfg is None or isinstance(cfg, nn.Module):
        loss = cfg
    else:
        loss_type = cfg.get('type')
        loss_cls = (MODELS.get(loss_type) if isinstance(loss_type, str)
                    else loss_type)
        if getattr(loss_cls, 'sized_by_head', False):
            cfg = dict(cfg)
            cfg.setdefault('num_classes', num_classes)
            cfg.setdefault('feat_dim', feat_dim)
        loss = MODELS.build(cfg)
    for name, value in (('num_classes', num_classes), ('feat_dim', feat_dim)):
        if getattr(loss, 'sized_by_head', False) and getattr(
                loss, name) != value:
            raise ConfigError(
                f'BCLHead: contrast_loss {name}={getattr(loss, name)} but '
                f'the head has {name}={value}; leave it out of the '
                'contrast_loss config (the head passes its own)')
    return loss


class CosineClassifier(NormProduct):
    """``scale * cos(x, w_c)``, the authors' ``NormedLinear`` (scale 30).

    Args:
        in_features (int): Input channels.
        num_classes (int): Number of classes.
        scale (float): Multiplier of the cosines. Defaults to 30.
    """

    def __init__(self, in_features: int, num_classes: int,
                 scale: float = 30.0):
        super().__init__(in_features, num_classes, bias=False)
        self.scale = scale
        # The authors' init: uniform(-1, 1), each class vector rescaled to
        # unit norm (it is also the prototype MLP's input).
        with torch.no_grad():
            self.weight.uniform_(-1, 1).renorm_(2, 0, 1e-5).mul_(1e5)

    def forward(self, x: Tensor) -> Tensor:
        return self.scale * super().forward(x)


@MODELS.register_module()
class BCLHead(ClsHead):
    """The two-branch head of Balanced Contrastive Learning.

    (a) a classifier on the classification view, trained with ``loss``
    (logit-adjusted cross-entropy; its ``loss_weight`` is the paper's
    alpha); (b) a contrastive MLP, L2-normalised, on the two contrastive
    views; (c) a prototype MLP of the same shape mapping every class's
    classifier weight to a normalised prototype. ``contrast_loss``
    (``BCLLoss``; its ``loss_weight`` is the paper's beta) is applied to
    the contrastive views plus the prototypes.

    With ``BCLLoss(class_complement=False)`` or ``ProCoLoss`` there is no
    prototype MLP (nothing would train it). ``ProCoLoss`` gets the head's
    ``num_classes`` and ``feat_dim``. With ``contrast_loss=None`` there is no
    contrastive branch at all: the head is a cosine classifier trained with
    ``loss`` on a single view, usable by a plain ``ImageClassifier`` (the
    LA-CE baseline, beta = 0).

    ConCutMix: a batch whose classification views were pasted into
    (``BalancedPasteDataset``; its samples carry the area label as
    ``gt_score``) trains the classifier on soft labels: the area label, or
    ``mix_label``'s (``SemanticallyConsistentLabel``), computed from the
    mixed views' un-normalised contrastive features and the un-normalised
    prototypes, without gradient. The contrastive branch keeps each
    image's own label.

    In training the head receives the neck features of all views
    concatenated, ``3B`` rows ordered (classification, contrastive 1,
    contrastive 2). Like the authors' model, the contrastive MLP runs over
    all ``3B`` rows, so its BatchNorm sees the same batch as theirs.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Channels of the (pooled) backbone/neck feature.
        feat_dim (int): Contrastive feature size. Defaults to 128.
        hidden_channels (int, optional): Hidden width of the contrastive and
            prototype MLPs. Defaults to ``in_channels``.
        cosine_classifier (bool): Cosine ("normed linear") classifier if
            True, plain ``nn.Linear`` if False. Defaults to True.
        scale (float): Logit scale of the cosine classifier. Defaults to 30.
        loss (dict): Classification loss. Defaults to
            ``dict(type='LogitAdjustLoss')``.
        contrast_loss (dict, optional): Contrastive loss; None for no
            contrastive branch. Defaults to ``dict(type='BCLLoss')``.
        mix_label (dict, optional): The label of pasted images
            (``SemanticallyConsistentLabel``); None keeps the area label.
            Needs the prototype MLP. Defaults to None.
        init_cfg (dict, optional): Initialisation config.

    Example:
        >>> head = MODELS.build(dict(type='BCLHead', num_classes=3,
        ...                          in_channels=16, feat_dim=8))
        >>> head((torch.randn(2, 16), )).shape
        torch.Size([2, 3])
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 feat_dim: int = 128,
                 hidden_channels: Optional[int] = None,
                 cosine_classifier: bool = True,
                 scale: float = 30.0,
                 loss: dict = dict(type='LogitAdjustLoss'),
                 contrast_loss: Optional[dict] = dict(type='BCLLoss'),
                 mix_label: Optional[dict] = None,
                 init_cfg=None,
                 **kwargs):
        super().__init__(loss=loss, init_cfg=init_cfg, **kwargs)
        for name, value in (('num_classes', num_classes),
                            ('in_channels', in_channels),
                            ('feat_dim', feat_dim)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(
                    f'BCLHead: {name} must be a positive int, got {value!r}')
        if hidden_channels is not None and (
                not isinstance(hidden_channels, int) or hidden_channels <= 0):
            raise ValueError('BCLHead: hidden_channels must be a positive int '
                             f'or None, got {hidden_channels!r}')
        self.num_classes = num_classes
        self.in_channels = in_channels
        if cosine_classifier:
            self.fc = CosineClassifier(in_channels, num_classes, scale)
        else:
            self.fc = nn.Linear(in_channels, num_classes)
        self.contrast_loss = build_contrast_loss(contrast_loss, num_classes,
                                                 feat_dim)
        self.contrast_mlp = self.proto_mlp = None
        if self.contrast_loss is not None:
            self.contrast_mlp = projection_mlp(in_channels, feat_dim,
                                               hidden_channels)
            if getattr(self.contrast_loss, 'uses_prototypes', True):
                self.proto_mlp = projection_mlp(in_channels, feat_dim,
                                                hidden_channels)
        self.mix_label = None
        if mix_label is not None:
            if self.proto_mlp is None:
                raise ConfigError(
                    f'BCLHead: mix_label={mix_label!r} compares features '
                    'with the class prototypes, but contrast_loss='
                    f'{contrast_loss!r} builds no prototype MLP; use BCLLoss '
                    'with class_complement=True (its default)')
            self.mix_label = MODELS.build(mix_label)

    def pre_logits(self, feats: Tuple[Tensor]) -> Tensor:
        """The last stage's feature, checked against ``in_channels``."""
        x = feats[-1]
        if x.dim() != 2 or x.size(1) != self.in_channels:
            raise ValueError(
                f'BCLHead expects pooled features (N, {self.in_channels}) '
                f'(in_channels={self.in_channels}), got {tuple(x.shape)}; '
                "set the head's in_channels to the backbone's output "
                'channels and use a pooling neck')
        return x

    def forward(self, feats: Tuple[Tensor]) -> Tensor:
        """Classifier logits."""
        return self.fc(self.pre_logits(feats))

    def predict(self, feats: Tuple[Tensor],
                data_samples: Optional[List[DataSample]] = None
                ) -> List[DataSample]:
        """Classifier predictions of the single test view.

        Each sample also gets its pooled backbone/neck feature as
        ``backbone_feat`` and (with a contrastive branch) its normalised
        contrastive feature as ``contrast_feat``, for ``NeuralCollapse``,
        ``SimplexGeometry`` and the analysis tools (one small MLP pass;
        metrics that do not use them ignore them).
        """
        x = self.pre_logits(feats)
        predictions = self._get_predictions(self.fc(x), data_samples)
        for sample, feature in zip(predictions, x.detach()):
            sample.set_field(feature, 'backbone_feat')
        if self.contrast_mlp is None:
            return predictions
        contrast = F.normalize(self.contrast_mlp(x), dim=1).detach()
        for sample, feature in zip(predictions, contrast):
            sample.set_field(feature, 'contrast_feat')
        return predictions

    def prototypes(self, normalized: bool = True) -> Optional[Tensor]:
        """``(C, feat_dim)`` class prototypes, normalised unless
        ``normalized=False`` (None without a prototype MLP)."""
        if self.proto_mlp is None:
            return None
        raw = self.proto_mlp(self.fc.weight)
        return F.normalize(raw, dim=1) if normalized else raw

    def loss(self, feats: Tuple[Tensor], data_samples: List[DataSample],
             **kwargs) -> dict:
        """Classification and contrastive losses, logged separately.

        Args:
            feats (tuple[Tensor]): Neck features of the 3 views
                concatenated, ``(3B, in_channels)`` in the last item (one
                view, ``(B, in_channels)``, without a contrastive branch).
            data_samples (list[DataSample]): The ``B`` samples' labels.

        Returns:
            dict: ``loss_cls`` (alpha * LA-CE) and, with a contrastive
            branch, the contrastive loss under its ``loss_name``
            (``loss_bcl``: beta * BCL; ``loss_proco``: alpha * ProCo).
        """
        x = self.pre_logits(feats)
        batch_size = len(data_samples)
        views = 1 if self.contrast_loss is None else 3
        if x.size(0) != views * batch_size:
            raise ValueError(
                f'BCLHead.loss expects {views} view(s) x {batch_size} samples '
                f'= {views * batch_size} feature rows, got {x.size(0)}')
        labels = torch.cat([s.gt_label for s in data_samples]).to(x.device)
        target = labels
        if 'gt_score' in data_samples[0]:  # pasted (ConCutMix)
            target = torch.stack([s.gt_score for s in data_samples]).to(
                x.device)
        projected = prototypes = None
        if self.contrast_loss is not None:
            projected = self.contrast_mlp(x)
            prototypes = self.prototypes(normalized=False)
        if target is not labels and self.mix_label is not None:
            target = self.mix_label(projected[:batch_size], prototypes,
                                    target)
        losses = dict(loss_cls=self.loss_module(
            self.fc(x[:batch_size]), target, avg_factor=batch_size,
            **kwargs))
        if self.contrast_loss is not None:
            z = F.normalize(projected, dim=1)
            contrast = torch.stack(z[batch_size:].split(batch_size), dim=1)
            name = getattr(self.contrast_loss, 'loss_name', 'loss_contrast')
            if prototypes is not None:
                prototypes = F.normalize(prototypes, dim=1)
            losses[name] = self.contrast_loss(contrast, labels, prototypes,
                                              num_classes=self.num_classes)
        return losses

    def set_class_counts(self, class_counts: Sequence[int]) -> None:
        """Check the training set against ``num_classes``.

        Called by ``ClassCountsHook`` before training.
        """
        if len(class_counts) != self.num_classes:
            raise ConfigError(
                f'BCLHead: num_classes={self.num_classes} but the training '
                f'dataset has {len(class_counts)} classes; set '
                'model.head.num_classes to match the dataset')
