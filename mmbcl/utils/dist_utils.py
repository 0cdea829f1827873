"""What the launcher started, read before the process group exists, and
MMEngine's ``pytorch`` launcher on machines without a GPU."""
import logging
import os
import sys

import torch
import torch.distributed as torch_dist

#: The variables in which each launcher gives a process its global rank.
RANK_VARIABLES = ('RANK', 'SLURM_PROCID', 'OMPI_COMM_WORLD_RANK')


def launched_rank() -> int:
    """This process's global rank as its launcher set it (0 without one);
    read before the process group exists."""
    for variable in RANK_VARIABLES:
        if os.environ.get(variable, '').isdigit():
            return int(os.environ[variable])
    return 0


def launched_world_size(launcher: str) -> int:
    """The number of processes the launcher started (1 without one)."""
    variable = dict(pytorch='WORLD_SIZE', slurm='SLURM_NTASKS',
                    mpi='OMPI_COMM_WORLD_SIZE').get(launcher)
    return int(os.environ.get(variable, 1)) if variable else 1


def setup_cpu_distributed(cfg, launcher: str) -> bool:
    """Prepare a multi-process CPU run (gloo) when no GPU is present.

    MMEngine's pytorch launcher calls ``torch.cuda.set_device`` and wraps
    the model in DDP with CUDA ``device_ids``; both fail on a CPU-only
    machine. When, and only when, CUDA is unavailable this initialises the
    process group with gloo itself (MMEngine then skips its own
    initialisation) and configures DDP with ``device_ids=None``.

    Args:
        cfg (mmengine.Config): The run's config; modified in place.
        launcher (str): The ``--launcher`` argument.

    Returns:
        bool: Whether the CPU set-up was applied.
    """
    if launcher != 'pytorch' or torch.cuda.is_available():
        return False
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(
            backend='gloo',
            rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']))
    cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    cfg.env_cfg.dist_cfg['backend'] = 'gloo'
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    return True


def teardown_distributed() -> None:
    """Wait for every rank, then destroy the process group.

    Left to interpreter shutdown, gloo's threads are sometimes torn down
    while still joinable and a rank dies with SIGABRT ("terminate called
    without an active exception") after a successful run, failing the job.
    """
    global _TORN_DOWN
    if torch_dist.is_available() and torch_dist.is_initialized():
        torch_dist.barrier()
        torch_dist.destroy_process_group()
        _TORN_DOWN = True


#: Whether :func:`teardown_distributed` ended this process's group.
_TORN_DOWN = False


def end_launched_process() -> None:
    """After a distributed run that ended well, flush and leave at once.

    Even with the group destroyed, gloo can leave threads whose
    destruction at interpreter shutdown aborts the process ("terminate
    called without an active exception", SIGABRT) after every result is
    written, failing a job that succeeded. Once :func:`teardown_distributed`
    has run, this closes the visualizer's backends and every log handler,
    flushes the streams and exits with status 0, skipping that shutdown.
    A process that ran no group (one process, or a tool called from
    Python) is left alone.
    """
    if not _TORN_DOWN:
        return
    from mmengine.visualization import Visualizer
    try:
        visualizer = Visualizer.get_current_instance()
    except RuntimeError:  # the run built none
        visualizer = None
    if visualizer is not None:
        visualizer.close()  # the TensorBoard writer's last events
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
