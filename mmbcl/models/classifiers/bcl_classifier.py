"""BCLClassifier: one backbone pass over all views."""
from typing import List, Optional

import torch
from torch import Tensor

from mmpretrain.models.classifiers import ImageClassifier
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

NUM_VIEWS = 3  # one classification view + two contrastive views


@MODELS.register_module()
class BCLClassifier(ImageClassifier):
    """An ``ImageClassifier`` trained on three views per image.

    In training, ``inputs`` holds the classification view and the two
    contrastive views (a ``MultiView`` pipeline with ``num_views=[1, 2]``).
    They are concatenated into one ``3B`` batch so the backbone and neck run
    once (their BatchNorm statistics cover all views, as in the authors'
    code); the head receives the concatenated features and splits them by
    view. Prediction is the standard single-view path. Any MMPretrain
    backbone and neck work.

    Args:
        backbone (dict): Backbone config.
        neck (dict, optional): Neck config, typically global pooling.
        head (dict, optional): Head config, typically ``BCLHead``.
        data_preprocessor (dict, optional): Defaults to
            ``MultiViewDataPreprocessor``.
        **kwargs: Other ``ImageClassifier`` arguments.
    """

    #: BCL contrasts the images of a batch: ``BatchSizeCheckHook`` refuses a
    #: training loader with fewer per process, or a tiny last batch.
    min_batch_size = 2
    #: Rows each image gives BatchNorm and the contrastive loss.
    views_per_image = 3

    def __init__(self,
                 backbone: dict,
                 neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 **kwargs):
        if data_preprocessor is None or isinstance(data_preprocessor, dict):
            data_preprocessor = dict(data_preprocessor or {})
            data_preprocessor.setdefault('type', 'MultiViewDataPreprocessor')
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            data_preprocessor=data_preprocessor,
            **kwargs)

    def loss(self, inputs: List[Tensor],
             data_samples: List[DataSample]) -> dict:
        """Losses of a batch of 3-view inputs.

        Args:
            inputs (list[Tensor]): 3 tensors ``(B, C, H, W)``: the
                classification view then the two contrastive views.
            data_samples (list[DataSample]): The ``B`` samples.

        Returns:
            dict[str, Tensor]: The head's losses.
        """
        if isinstance(inputs, Tensor) or len(inputs) != NUM_VIEWS:
            got = ('a single-view tensor' if isinstance(inputs, Tensor) else
                   f'{len(inputs)} views')
            raise ValueError(
                f'BCLClassifier needs {NUM_VIEWS} views per image (1 '
                'classification + 2 contrastive) from a MultiView train '
                f'pipeline with num_views=[1, 2]; got {got}')
        shapes = {tuple(view.shape) for view in inputs}
        if len(shapes) != 1:
            raise ValueError('BCLClassifier runs all views as one batch, so '
                             'they must have the same shape; got '
                             f'{[tuple(v.shape) for v in inputs]}')
        feats = self.extract_feat(torch.cat(inputs, dim=0))
        return self.head.loss(feats, data_samples)
