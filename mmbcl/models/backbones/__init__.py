from .resnet_cifar import CifarResNet

__all__ = ['CifarResNet']
