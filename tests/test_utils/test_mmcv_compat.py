import subprocess
import sys


def test_missing_mmcv_names_the_fix():
    """Without mmcv (full or lite) the import error says what to run."""
    code = ("import sys; sys.modules['mmcv'] = None\n"
            'import mmbcl')
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode != 0
    assert "pip install 'mmcv-lite==2.2.0'" in proc.stderr
    assert 'neither is installed' in proc.stderr
