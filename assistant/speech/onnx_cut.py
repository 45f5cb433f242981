"""Cut an ONNX model in two at named tensors, on the protobuf wire format alone (no `onnx` package needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterator, List, Sequence, Set, Tuple, Union

# Field numbers of the ONNX protobuf messages that the cut reads or writes (onnx/onnx.proto).
MODEL_GRAPH = 7
GRAPH_NODE, GRAPH_INITIALIZER, GRAPH_INPUT, GRAPH_OUTPUT, GRAPH_VALUE_INFO = 1, 5, 11, 12, 13
GRAPH_KEPT = (2, 10)  # the graph's name and doc string; everything else is rebuilt or dropped
NODE_INPUT, NODE_OUTPUT = 1, 2
TENSOR_NAME = 8
VALUE_INFO_NAME, VALUE_INFO_TYPE = 1, 2
FLOAT = 1  # TensorProto.DataType.FLOAT

Chunk = Union[bytes, memoryview]
Field = Tuple[int, memoryview, memoryview]  # number, the whole encoded field, its payload (length-delimited only)


class CutError(ValueError):
    """The model cannot be cut cleanly at the asked tensors."""


def _varint(buf: memoryview, pos: int) -> Tuple[int, int]:
    """The varint at `pos` and the position after it."""
    value = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def fields(view: memoryview) -> Iterator[Field]:
    """The top-level fields of one encoded message, as views into it (nothing is copied)."""
    pos = 0
    while pos < len(view):
        start = pos
        key, pos = _varint(view, pos)
        wire, payload = key & 7, view[0:0]
        if wire == 0:
            _, pos = _varint(view, pos)
        elif wire == 1:
            pos += 8
        elif wire == 2:
            size, pos = _varint(view, pos)
            payload, pos = view[pos:pos + size], pos + size
        elif wire == 5:
            pos += 4
        else:
            raise CutError(f"unsupported protobuf wire type {wire}")
        yield key >> 3, view[start:pos], payload


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number: int, *payload: Chunk) -> List[Chunk]:
    """One length-delimited field, as chunks to write one after the other."""
    return [_encode_varint(number << 3 | 2) + _encode_varint(sum(len(p) for p in payload)), *payload]


def _strings(message: memoryview, number: int) -> List[str]:
    return [bytes(payload).decode("utf-8") for n, _, payload in fields(message) if n == number]


def _name(message: memoryview, number: int) -> str:
    names = _strings(message, number)
    return names[0] if names else ""


def float_value_info(name: str) -> bytes:
    """A ValueInfoProto: a float tensor of any shape called `name`."""
    tensor_type = _encode_varint(1 << 3 | 0) + _encode_varint(FLOAT)  # TypeProto.Tensor.elem_type
    return b"".join(bytes(c) for c in field(VALUE_INFO_NAME, name.encode("utf-8")) +
                    field(VALUE_INFO_TYPE, *field(1, tensor_type)))


class Graph:
    """The parts of a model's graph that a cut needs, each kept as its encoded bytes."""

    def __init__(self, model: memoryview) -> None:
        self.model_rest: List[Chunk] = []
        graph = model[0:0]
        for number, raw, payload in fields(model):
            if number == MODEL_GRAPH:
                graph = payload
            else:
                self.model_rest.append(raw)
        self.kept: List[Chunk] = []
        self.nodes: List[memoryview] = []
        self.initializers: Dict[str, memoryview] = {}
        self.inputs: Dict[str, Chunk] = {}
        self.outputs: Dict[str, Chunk] = {}
        self.value_info: Dict[str, Chunk] = {}
        named: Dict[int, Dict[str, Chunk]] = {GRAPH_INPUT: self.inputs, GRAPH_OUTPUT: self.outputs, GRAPH_VALUE_INFO: self.value_info}
        for number, raw, payload in fields(graph):
            if number == GRAPH_NODE:
                self.nodes.append(payload)
            elif number == GRAPH_INITIALIZER:
                self.initializers[_name(payload, TENSOR_NAME)] = payload
            elif number in named:
                named[number][_name(payload, VALUE_INFO_NAME)] = payload
            elif number in GRAPH_KEPT:
                self.kept.append(raw)
        if not self.nodes:
            raise CutError("the model has no graph")
        self.node_inputs = [[n for n in _strings(node, NODE_INPUT) if n] for node in self.nodes]
        self.producer = {out: i for i, node in enumerate(self.nodes) for out in _strings(node, NODE_OUTPUT)}

    def needed(self, targets: Sequence[str], stop: Set[str]) -> Tuple[List[int], Set[str]]:
        """Nodes computing `targets` (not looking past `stop`), in graph order, and the graph inputs they read."""
        nodes: Set[int] = set()
        reads: Set[str] = set()
        todo = list(targets)
        seen: Set[str] = set()
        while todo:
            name = todo.pop()
            if name in seen or name in stop or name in self.initializers:
                continue
            seen.add(name)
            if name in self.producer:
                index = self.producer[name]
                if index not in nodes:
                    nodes.add(index)
                    todo.extend(self.node_inputs[index])
            elif name in self.inputs:
                reads.add(name)
            else:
                raise CutError(f"tensor {name} has no producer")
        return sorted(nodes), reads

    def model(self, nodes: List[int], inputs: List[Chunk], outputs: List[Chunk]) -> List[Chunk]:
        """A model of `nodes` with these encoded inputs and outputs and only the initializers they use, as chunks."""
        used = {name for i in nodes for name in self.node_inputs[i]}
        produced = {out for i in nodes for out in _strings(self.nodes[i], NODE_OUTPUT)}
        parts: List[Chunk] = [*self.kept]
        for i in nodes:
            parts += field(GRAPH_NODE, self.nodes[i])
        for name, tensor in self.initializers.items():
            parts += field(GRAPH_INITIALIZER, tensor) if name in used else []
        for number, infos in ((GRAPH_INPUT, inputs), (GRAPH_OUTPUT, outputs)):
            for info in infos:
                parts += field(number, info)
        for name, info in self.value_info.items():
            parts += field(GRAPH_VALUE_INFO, info) if name in produced else []
        return [*self.model_rest, *field(MODEL_GRAPH, *parts)]


def cut(model: memoryview, at: Sequence[str]) -> Tuple[List[Chunk], List[Chunk]]:
    """The model as a front (its inputs -> the tensors `at`) and a back (`at` -> its outputs).

    Raises CutError unless the back reads nothing from the front but `at` (float tensors)."""
    graph = Graph(model)
    missing = [name for name in at if name not in graph.producer]
    if missing:
        raise CutError(f"no tensor {', '.join(missing)} in the model")
    back_nodes, back_reads = graph.needed(list(graph.outputs), set(at))
    if back_reads:
        raise CutError(f"the back half would also read {', '.join(sorted(back_reads))}")
    front_nodes, front_reads = graph.needed(list(at), set())  # nodes of constants only may be in both
    cut_infos: List[Chunk] = [float_value_info(name) for name in at]
    front = graph.model(front_nodes, [graph.inputs[name] for name in graph.inputs if name in front_reads], cut_infos)
    back = graph.model(back_nodes, cut_infos, list(graph.outputs.values()))
    return front, back


def cut_file(model: Path, at: Sequence[str], front: Path, back: Path) -> None:
    """Cut the model file `model` at `at` into the files `front` and `back` (written whole or not at all)."""
    with open(model, "rb") as handle:
        data = memoryview(handle.read())
    halves = cut(data, at)
    for path, chunks in zip((front, back), halves):
        tmp = path.with_name(f".{path.name}.tmp")
        with open(tmp, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        tmp.replace(path)
