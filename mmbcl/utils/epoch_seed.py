"""Seeds that depend on the run's seed and the epoch, not on history."""


def epoch_seed(seed: int, epoch: int, rank: int) -> int:
    """A 31-bit seed for (run seed, epoch, rank)."""
    return (seed * 1_000_003 + epoch * 10_007 + rank) % 2**31
