"""The vMF log-normaliser against scipy's exponentially scaled Bessel
function, wherever that is finite."""
import math

import numpy as np
import pytest
import torch
from scipy.special import ive

from mmbcl.models.utils.vmf import vmf_log_normaliser, vmf_mean_resultant

KAPPAS = np.concatenate([[1e-3, 0.5], np.logspace(0, 5, 60), [1e5 + 14.3]])


def scipy_log_norm(kappa, dim):
    """log I_nu(kappa) - nu log kappa from scipy (NaN where ive
    underflows to 0)."""
    nu = dim / 2 - 1
    with np.errstate(divide='ignore'):
        scaled = np.log(ive(nu, kappa))
    scaled[~np.isfinite(scaled)] = np.nan
    return scaled + kappa - nu * np.log(kappa)


@pytest.mark.parametrize('dim', [32, 128, 1024, 2048])
def test_log_normaliser_matches_scipy(dim):
    ours = vmf_log_normaliser(torch.tensor(KAPPAS, dtype=torch.float64),
                              dim).numpy()
    want = scipy_log_norm(KAPPAS, dim)
    finite = np.isfinite(want)
    assert finite.sum() >= len(KAPPAS) // 3  # a real comparison
    assert np.isfinite(ours).all()  # also where scipy underflows
    # 1e-8 in the log is 1e-8 relative in the normaliser
    np.testing.assert_allclose(ours[finite], want[finite], rtol=1e-12,
                               atol=1e-8)


@pytest.mark.parametrize('dim', [128, 1024])
def test_limit_at_zero(dim):
    """kappa -> 0: log I_nu(k) - nu log k -> -nu log 2 - log Gamma(nu + 1)."""
    nu = dim / 2 - 1
    got = vmf_log_normaliser(torch.zeros(1, dtype=torch.float64), dim)
    assert got.item() == pytest.approx(
        -nu * math.log(2) - math.lgamma(nu + 1), rel=1e-12)


@pytest.mark.parametrize('dim', [32, 128, 1024])
def test_mean_resultant_matches_scipy(dim):
    nu = dim / 2 - 1
    kappa = KAPPAS[ive(nu, KAPPAS) > 0]
    want = ive(nu + 1, kappa) / ive(nu, kappa)
    got = vmf_mean_resultant(torch.tensor(kappa, dtype=torch.float64),
                             dim).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-8)
    assert (got < 1).all()


def test_mean_resultant_is_the_derivative():
    kappa = torch.tensor(KAPPAS, dtype=torch.float64, requires_grad=True)
    vmf_log_normaliser(kappa, 128).sum().backward()
    torch.testing.assert_close(kappa.grad,
                               vmf_mean_resultant(kappa.detach(), 128),
                               rtol=1e-9, atol=1e-12)


def test_small_feature_size_is_refused():
    with pytest.raises(ValueError, match='feature size >= 32.*got 16'):
        vmf_log_normaliser(torch.ones(1, dtype=torch.float64), 16)
