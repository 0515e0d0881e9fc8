"""Checks safetensors interop with Python, once by hand (CI has no Python; test/safetensors.test.ts
then checks our writer against harmonium_written.safetensors byte for byte and our reader on both).

  python3 -m venv /tmp/st && /tmp/st/bin/pip install safetensors numpy
  /tmp/st/bin/python test/data/safetensors_interop.py            # check, and rewrite python_written.safetensors

1. harmonium_written.safetensors (written by engine/safetensors.ts encodeSafetensors) is read three
   ways and compared bit for bit with safetensors_interop.json: Python's safetensors (deserialize,
   every dtype as raw bytes), safetensors.numpy.load_file (the dtypes numpy has), and plain numpy
   over the header's offsets (no safetensors package).
2. python_written.safetensors is written by Python's safetensors from the same JSON (BF16 from its
   bits: numpy has no bfloat16) and read back.
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = json.load(open(os.path.join(HERE, "safetensors_interop.json"), encoding="utf-8"))
NUMPY = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "BF16": "<u2", "I32": "<i4", "U32": "<u4", "U8": "u1"}
SPECIAL = {"-0": -0.0, "inf": float("inf"), "-inf": float("-inf")}


def expected_array(t):
    """The tensor described in the JSON as a numpy array (BF16 as its uint16 bits)."""
    if "bits" in t:
        values = t["bits"] if t["dtype"] == "BF16" else np.array(t["bits"], dtype="<u2").view("<f2")
    else:
        values = [SPECIAL.get(v, v) if isinstance(v, str) else v for v in t["values"]]
    return np.array(values, dtype=NUMPY[t["dtype"]]).reshape(t["shape"])


def same_bits(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def read_with_numpy(path):
    """A safetensors reader in plain numpy: header length, JSON header, np.frombuffer per tensor."""
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        buf = data[8 + n + begin : 8 + n + end]
        tensors[name] = np.frombuffer(buf, dtype=NUMPY[info["dtype"]]).reshape(info["shape"])
    return tensors, metadata


def check_harmonium_file():
    import safetensors
    import safetensors.numpy

    spec = SPEC["harmonium_written"]
    path = os.path.join(HERE, spec["file"])
    expected = {name: expected_array(t) for name, t in spec["tensors"].items()}

    tensors, metadata = read_with_numpy(path)
    assert metadata == spec["metadata"], metadata
    assert set(tensors) == set(expected)
    for name, want in expected.items():
        assert same_bits(tensors[name], want), (name, tensors[name], want)

    raw = dict(safetensors.deserialize(open(path, "rb").read()))
    for name, want in expected.items():
        assert raw[name]["dtype"] == spec["tensors"][name]["dtype"], raw[name]
        assert list(raw[name]["shape"]) == spec["tensors"][name]["shape"]
        assert bytes(raw[name]["data"]) == want.tobytes(), name

    with safetensors.safe_open(path, framework="numpy") as f:
        assert f.metadata() == spec["metadata"], f.metadata()
        for name, want in expected.items():
            if spec["tensors"][name]["dtype"] == "BF16":
                continue  # numpy has no bfloat16: checked through deserialize above
            assert same_bits(f.get_tensor(name), want), name
    print("ok: Python's safetensors and plain numpy read", spec["file"])


def write_python_file():
    import safetensors
    import safetensors.numpy

    spec = SPEC["python_written"]
    path = os.path.join(HERE, spec["file"])
    arrays = {name: expected_array(t) for name, t in spec["tensors"].items()}
    specs = {
        name: safetensors.TensorSpec(
            dtype="bfloat16" if spec["tensors"][name]["dtype"] == "BF16" else a.dtype.name,
            shape=list(a.shape),
            data_ptr=a.ctypes.data,
            data_len=a.nbytes,
        )
        for name, a in arrays.items()
    }
    open(path, "wb").write(bytes(safetensors.serialize(specs, metadata=spec["metadata"])))
    tensors, metadata = read_with_numpy(path)
    assert metadata == spec["metadata"]
    for name, want in arrays.items():
        assert same_bits(tensors[name], want), name
    print("ok: wrote", spec["file"], "with safetensors", safetensors.__version__)


if __name__ == "__main__":
    check_harmonium_file()
    write_python_file()
