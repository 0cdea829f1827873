"""Balanced contrastive loss (Zhu et al., CVPR 2022, eq. 6)."""
from typing import Optional

import torch
import torch.nn as nn
from torch import Tensor

from mmpretrain.registry import MODELS

from ..utils.gather import gather_batch
from ..utils.precision import no_autocast


def check_labels(labels: Tensor, num_classes: int, where: str) -> None:
    """Fail on a label outside ``[0, num_classes)`` without a host sync.

    ``torch._assert_async`` raises at once on CPU and as a device-side
    assertion on an accelerator, so the check costs no synchronisation.
    """
    torch._assert_async(((labels >= 0) & (labels < num_classes)).all(),
                        f'{where}: a label is outside [0, {num_classes}) '
                        f'(num_classes={num_classes})')


def bcl_loss(features: Tensor,
             labels: Tensor,
             prototypes: Optional[Tensor] = None,
             temperature: float = 0.1,
             class_averaging: bool = True,
             class_complement: bool = True,
             num_classes: Optional[int] = None) -> Tensor:
    """Balanced contrastive loss and its ablations (SupCon when both off).

    Computed by :class:`BCLFunction` (a fused forward with the analytic
    gradient); the tests check every variant against a float64 loop over
    anchors.

    The ``2B`` contrastive views are the anchors. The keys are the other
    views plus, with ``class_complement``, the ``C`` class prototypes, each
    prototype a sample of its class. For anchor ``i`` of class ``y``::

        loss_i = -1/|P(i)| * sum_{p in P(i)} log(
            exp(z_i.z_p / T) /
            sum_j w_j sum_{k in K_j \\ {i}} exp(z_i.z_k / T))

    where ``K_j`` are the keys of class ``j``, ``P(i) = K_y \\ {i}`` and,
    with ``class_averaging``, ``w_j = 1 / |K_j \\ {i}|``: each class's
    exp-similarities are averaged over its members, not summed, so head
    classes do not dominate the denominator (without it ``w_j = 1``).
    Both switches on is the paper's eq. 6; both off is SupCon's ``L_out``
    (Khosla et al., 2020) over the ``2B`` views.

    Args:
        features (Tensor): ``(B, 2, D)`` L2-normalised contrastive views.
        labels (Tensor): ``(B,)`` class indices in ``[0, C)``.
        prototypes (Tensor, optional): ``(C, D)`` L2-normalised class
            prototypes; needed with ``class_complement``, ignored (and may
            be None) without it.
        temperature (float): Softmax temperature ``T``. Defaults to 0.1.
        class_averaging (bool): Average each class's similarities in the
            denominator. Defaults to True.
        class_complement (bool): Add the class prototypes to the keys.
            Defaults to True.
        num_classes (int, optional): ``C`` when there are no prototypes;
            without it ``labels.max() + 1`` is used (a host sync).

    Returns:
        Tensor: The loss averaged over the ``2B`` anchors (a scalar).

    Example:
        >>> import torch.nn.functional as F
        >>> feats = F.normalize(torch.randn(4, 2, 8), dim=-1)
        >>> protos = F.normalize(torch.randn(3, 8), dim=-1)
        >>> bcl_loss(feats, torch.tensor([0, 1, 1, 2]), protos).shape
        torch.Size([])
        >>> supcon = bcl_loss(feats, torch.tensor([0, 1, 1, 2]),
        ...                   class_averaging=False, class_complement=False)
    """
    if features.dim() != 3 or features.size(1) != 2:
        raise ValueError('BCLLoss expects features of shape (B, 2, D) with '
                         'exactly 2 contrastive views, got '
                         f'{tuple(features.shape)}')
    if labels.shape != features.shape[:1]:
        raise ValueError(f'BCLLoss: labels of shape {tuple(labels.shape)} '
                         f'do not match {features.size(0)} samples')
    if class_complement:
        if prototypes is None:
            raise ValueError('BCLLoss: class_complement=True needs the '
                             'class prototypes (C, D), got None')
        if prototypes.dim() != 2 or prototypes.size(1) != features.size(2):
            raise ValueError(
                f'BCLLoss expects prototypes of shape (C, {features.size(2)})'
                f', got {tuple(prototypes.shape)}')
        num_classes = prototypes.size(0)
    else:
        prototypes = None
        if num_classes is None:
            num_classes = int(labels.max()) + 1
    check_labels(labels, num_classes, 'BCLLoss')
    # Non-finite features (an fp16 overflow under AMP) give a non-finite
    # loss, passed on like any PyTorch loss: AMP's loss scaler then skips
    # the step, and ``NonFiniteLossHook`` stops a run that has diverged.
    with no_autocast(features.device.type):
        # Similarities, exps and logs in fp32 (or better) even under AMP.
        dtype = torch.promote_types(features.dtype, torch.float32)
        # (2B, D), view-major: all first views, then all second views
        anchors = features.to(dtype).transpose(0, 1).reshape(
            -1, features.size(2))
        if prototypes is not None:
            prototypes = prototypes.to(dtype)
        return BCLFunction.apply(anchors, prototypes, labels.repeat(2),
                                 num_classes, temperature, class_averaging)


class BCLFunction(torch.autograd.Function):
    """The loss with its analytic gradient, at the cost of three matmuls.

    With ``N = 2B`` anchors, ``M`` keys (``N``, plus ``C`` prototypes with
    class-complement), ``S = anchors @ keys.T / T`` and ``w_ik`` the
    denominator weights (``1 / |K_{y_k} \\ {i}|`` with class-averaging, else
    1), the loss of anchor ``i`` is ``log Z_i - mean_{p in P(i)} S_ip`` with
    ``Z_i = sum_k w_ik exp(S_ik)``, and::

        dL/dS_ik = (w_ik exp(S_ik) / Z_i - [k in P(i)] / |P(i)|) / N

    The only ``(M, N)`` buffer holds ``w_ik exp(S_ik - max_k S_ik)``, keys
    along rows so that the anchor and prototype blocks are contiguous and
    no keys matrix is ever concatenated; it is kept for the backward pass.
    The positives need no mask: their similarities sum to
    ``z_i . (sum of class keys - z_i)`` and their gradient to class sums.
    """

    @staticmethod
    def forward(ctx, anchors: Tensor, prototypes: Optional[Tensor],
                labels: Tensor, num_classes: int, temperature: float,
                class_averaging: bool) -> Tensor:
        num_anchors = anchors.size(0)
        complement = prototypes is not None
        # n_c = |K_c|: the class's views, plus its prototype (index_add_,
        # not bincount, which would synchronise with the host on a GPU).
        size = torch.full((num_classes, ), float(complement),
                          dtype=anchors.dtype,
                          device=anchors.device).index_add_(
                              0, labels, torch.ones_like(anchors[:, 0]))
        # |P(i)| = n_y - 1 >= 1: every sample has two views
        num_positives = size[labels] - 1
        inv_positives = num_positives.reciprocal()

        # weighted[k, i] = w_ik exp(S_ik - max_k S_ik), keys k along rows.
        scaled = anchors * (1.0 / temperature)
        weighted = anchors.new_empty(
            num_anchors + (num_classes if complement else 0), num_anchors)
        by_anchor = weighted[:num_anchors]
        torch.mm(anchors, scaled.t(), out=by_anchor)
        if complement:
            torch.mm(prototypes, scaled.t(), out=weighted[num_anchors:])
        by_anchor.diagonal().fill_(float('-inf'))  # an anchor is not a key
        col_max = weighted.amax(dim=0)
        weighted.sub_(col_max).exp_()
        if class_averaging:
            # 1 / n_{y_k}, or 1 / (n_y - 1) on the anchor's own class.
            inv_size = size.reciprocal()
            same = labels[:, None] == labels[None, :]
            by_anchor.mul_(torch.where(same, inv_positives[:, None],
                                       inv_size[labels][:, None]))
            if complement:
                by_prototype = weighted[num_anchors:]
                by_prototype.mul_(inv_size[:, None])
                own = torch.arange(num_anchors, device=anchors.device)
                by_prototype[labels, own] *= size[labels] * inv_positives
        denominator = weighted.sum(dim=0)
        log_denominator = col_max + denominator.log()

        # Positives: sum_p S_ip = z_i . (class sum of keys - z_i) / T.
        anchor_class_sum = anchors.new_zeros(
            num_classes, anchors.size(1)).index_add_(0, labels,
                                                     anchors)[labels]
        positive_sum = anchor_class_sum - anchors
        if complement:
            positive_sum += prototypes[labels]
        positive_mean = (scaled * positive_sum).sum(1) * inv_positives
        ctx.save_for_backward(anchors, prototypes, labels, weighted,
                              denominator, anchor_class_sum, positive_sum,
                              inv_positives)
        ctx.temperature = temperature
        return (log_denominator - positive_mean).mean()

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        (anchors, prototypes, labels, weighted, denominator, anchor_class_sum,
         positive_sum, inv_positives) = ctx.saved_tensors
        num_anchors = anchors.size(0)
        by_anchor = weighted[:num_anchors]
        inv_denominator = denominator.reciprocal()[:, None]
        inv_positives = inv_positives[:, None]
        # Softmax part, dS^T = weighted / Z (1 / N and 1 / T come last).
        grad_anchors = torch.mm(by_anchor.t(), anchors)
        normalised = anchors * inv_denominator
        grad_keys = torch.mm(by_anchor, normalised)
        grad_prototypes = None
        if prototypes is not None:
            by_prototype = weighted[num_anchors:]
            grad_anchors.addmm_(by_prototype.t(), prototypes)
            grad_prototypes = torch.mm(by_prototype, normalised)
            # as a key, a prototype of class c gets all anchors of c
            grad_prototypes.index_add_(0, labels, anchors * inv_positives,
                                       alpha=-1)
        grad_anchors.mul_(inv_denominator)
        # Positive part: dS_ip = -1 / |P(i)| for p in P(i); as a key, an
        # anchor of class c gets the other anchors of c.
        grad_anchors.sub_(positive_sum * inv_positives)
        grad_keys.sub_((anchor_class_sum - anchors) * inv_positives)
        scale = grad_output / (num_anchors * ctx.temperature)
        grad_anchors.add_(grad_keys).mul_(scale)
        if grad_prototypes is not None:
            grad_prototypes.mul_(scale)
        return grad_anchors, grad_prototypes, None, None, None, None


@MODELS.register_module()
class BCLLoss(nn.Module):
    """Balanced contrastive loss and its ablations; maths in :func:`bcl_loss`.

    The paper's two components are switches, so its ablation (Table 4 of
    Zhu et al., 2022) is a config change:

    ============================  ==================  ===================
    variant                       ``class_averaging``  ``class_complement``
    ============================  ==================  ===================
    BCL (eq. 6)                   True                 True
    SCL + class-averaging         True                 False
    SCL + class-complement        False                True
    SCL (SupCon ``L_out``)        False                False
    ============================  ==================  ===================

    Without class-complement the prototypes are ignored, and ``BCLHead``
    builds no prototype MLP.

    Args:
        temperature (float): Softmax temperature. Defaults to 0.1.
        loss_weight (float): Multiplier of the loss (the paper's beta).
            Defaults to 1.0.
        gather_distributed (bool): Under DDP, gather the contrastive features
            and labels of all ranks (with gradients) and compute the loss on
            the global batch, as the authors' single-process DataParallel
            run did; parameter gradients after DDP's averaging then equal
            the single-process gradients. Defaults to False (each rank's
            loss sees its own batch).
        class_averaging (bool): Average each class's similarities in the
            denominator instead of summing them. Defaults to True.
        class_complement (bool): Add a prototype of every class to the keys
            of every batch. Defaults to True.

    Example:
        >>> import torch.nn.functional as F
        >>> loss = MODELS.build(dict(type='BCLLoss', temperature=0.07))
        >>> feats = F.normalize(torch.randn(4, 2, 8), dim=-1)
        >>> protos = F.normalize(torch.randn(3, 8), dim=-1)
        >>> loss(feats, torch.tensor([0, 1, 1, 2]), protos).shape
        torch.Size([])
        >>> scl = MODELS.build(dict(type='BCLLoss', class_averaging=False,
        ...                         class_complement=False))
        >>> scl(feats, torch.tensor([0, 1, 1, 2])).shape
        torch.Size([])
    """

    #: The key of the loss in the logs.
    loss_name = 'loss_bcl'

    def __init__(self,
                 temperature: float = 0.1,
                 loss_weight: float = 1.0,
                 gather_distributed: bool = False,
                 class_averaging: bool = True,
                 class_complement: bool = True):
        super().__init__()
        if temperature <= 0:
            raise ValueError(
                f'BCLLoss: temperature must be > 0, got {temperature}')
        for name, value in (('class_averaging', class_averaging),
                            ('class_complement', class_complement)):
            if not isinstance(value, bool):
                raise TypeError(
                    f'BCLLoss: {name} must be True or False, got {value!r}')
        self.temperature = temperature
        self.loss_weight = loss_weight
        self.gather_distributed = gather_distributed
        self.class_averaging = class_averaging
        self.class_complement = class_complement

    @property
    def uses_prototypes(self) -> bool:
        """Whether ``BCLHead`` must build the prototype MLP."""
        return self.class_complement

    def forward(self,
                features: Tensor,
                labels: Tensor,
                prototypes: Optional[Tensor] = None,
                num_classes: Optional[int] = None) -> Tensor:
        """Compute the weighted loss; arguments as in :func:`bcl_loss`."""
        if self.gather_distributed:
            features, labels = gather_batch(features, labels)
        return self.loss_weight * bcl_loss(
            features, labels, prototypes, self.temperature,
            class_averaging=self.class_averaging,
            class_complement=self.class_complement, num_classes=num_classes)

    def extra_repr(self) -> str:
        return (f'temperature={self.temperature}, '
                f'class_averaging={self.class_averaging}, '
                f'class_complement={self.class_complement}')
