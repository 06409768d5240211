"""Build driver for `pip install --no-build-isolation .`: configures the CMake project and builds
the Python module target `_heatnet` and the command-line executable `heatnet` (both link the
`heatnet` library); the module goes into the package, the executable into heatnet/bin/, where the
`heatnet` command (heatnet._cli, pyproject.toml [project.scripts]) runs it. The pure-Python files
come from python/heatnet/.

Environment:
  HEATNET_CMAKE_ARGS         extra arguments for the CMake configure step
  CMAKE_BUILD_PARALLEL_LEVEL parallel build jobs (default: number of CPUs)
"""
import os
import pathlib
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = pathlib.Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        target = pathlib.Path(self.get_ext_fullpath(ext.name)).resolve()
        build_dir = pathlib.Path(self.build_temp).resolve() / "cmake"
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=Release",
            f"-DPython_EXECUTABLE={sys.executable}",
            "-DHEATNET_PYTHON=ON", "-DHEATNET_TESTS=OFF", "-DHEATNET_BENCHMARKS=OFF",
            *shlex.split(os.environ.get("HEATNET_CMAKE_ARGS", "")),
        ]
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        subprocess.check_call(configure)
        subprocess.check_call(["cmake", "--build", str(build_dir), "--target", "_heatnet",
                               "heatnet_cli", "-j", jobs])
        built = sorted((build_dir / "python" / "heatnet").glob("_heatnet*"))
        built = [p for p in built if p.suffix in (".so", ".pyd", ".dylib")]
        if not built:
            raise RuntimeError(f"CMake built no _heatnet module in {build_dir}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], target)
        cli = target.parent / "bin" / "heatnet"
        cli.parent.mkdir(exist_ok=True)
        shutil.copy2(build_dir / "bin" / "heatnet", cli)  # keeps the executable bit


(ROOT / "build-pip").mkdir(exist_ok=True)
setup(
    ext_modules=[CMakeExtension("heatnet._heatnet")],
    cmdclass={"build_ext": CMakeBuild},
    # not ./build: that is the Makefile's CMake build directory
    options={"build": {"build_base": "build-pip"}, "egg_info": {"egg_base": "build-pip"}},
)
