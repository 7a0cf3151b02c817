"""Precisions: each one loads and corrects, auto falls back where the device cannot run its
choice, and int8 decides as fp32 does."""

from __future__ import annotations

import pytest
import torch

from electra_corrector import Corrector
from electra_corrector.base.errors import CorrectorError
from electra_corrector.cli.main import main
from electra_corrector.engine.precision import AGREEMENT, PRECISIONS, preferred, unavailable
from electra_corrector.models.testing import write_tiny_pair
from tests.handset import handset_pair

CPU = torch.device("cpu")


@pytest.fixture(scope="module")
def noisy_handset_dir(tmp_path_factory):
    """The hand-set pair (D flags 唷 and 天, G prefers 友, with 有 close behind), with small
    random weights put back into every layer that handset.py silences, so that quantizing
    those layers changes real numbers."""
    from electra_corrector.models.loading import bundled_tokenizer

    tokenizer = bundled_tokenizer()
    disc, gen = handset_pair(tokenizer, flagged="唷天", preferred="友", extra_bias={"有": 6.0})
    generator = torch.Generator().manual_seed(7)
    with torch.no_grad():
        for model in (disc, gen):
            for layer in model.electra.encoder.layer:
                for dense in (layer.attention.output.dense, layer.output.dense):
                    dense.weight.copy_(0.05 * torch.randn(dense.weight.shape, generator=generator))
        gen.generator_lm_head.weight.copy_(
            0.05 * torch.randn(gen.generator_lm_head.weight.shape, generator=generator)
        )
    return write_tiny_pair(tmp_path_factory.mktemp("noisy"), discriminator=disc, generator=gen)


def folder_state(root):
    return sorted((p.relative_to(root), p.stat().st_mtime_ns) for p in root.rglob("*"))


@pytest.mark.parametrize("precision", PRECISIONS)
def test_each_precision_loads_and_corrects(noisy_handset_dir, precision):
    reason = unavailable(precision, CPU) if precision != "auto" else None
    if reason:
        pytest.skip(f"this torch cannot run {precision} on the CPU: {reason}")
    before = folder_state(noisy_handset_dir)
    corrector = Corrector(noisy_handset_dir, precision=precision)
    assert corrector.precision in PRECISIONS[1:]
    result = corrector.correct("下个星期，我跟我朋唷打算去法国玩儿。Hi 😀")
    assert result.text == "下个星期，我跟我朋友打算去法国玩儿。Hi 😀"
    assert [(e.offset, e.wrong, e.right) for e in result.edits] == [(9, "唷", "友")]
    assert folder_state(noisy_handset_dir) == before  # nothing written to the model folder


def test_int8_quantizes_every_linear_layer_and_float_types_cast(noisy_handset_dir):
    int8 = Corrector(noisy_handset_dir, precision="int8")
    for model in (int8.models.discriminator, int8.models.generator):
        assert not [m for m in model.modules() if type(m) is torch.nn.Linear]
        assert model.electra.embeddings.word_embeddings.weight.dtype == torch.float32
    bf16 = Corrector(noisy_handset_dir, precision="bf16")
    assert bf16.models.generator.generator_lm_head.weight.dtype == torch.bfloat16


def test_int8_and_fp32_agree_on_a_fixed_sample(noisy_handset_dir):
    fillers = ["今天天气很好", "我们去公园散步", "他在家里看书", "朋友们都来了", "唷", "天天"]
    texts = [
        "".join(fillers[(i * 7 + j) % len(fillers)] for j in range(1 + i % 5)) + "。"
        for i in range(120)
    ]
    fp32 = Corrector(noisy_handset_dir, precision="fp32").correct_batch(texts)
    int8 = Corrector(noisy_handset_dir, precision="int8").correct_batch(texts)
    assert sum(1 for r in fp32 if r.edits) >= 30  # the sample really has decisions to agree on
    agreed = sum(a.text == b.text for a, b in zip(fp32, int8, strict=True)) / len(texts)
    assert agreed >= AGREEMENT


def test_int8_results_do_not_depend_on_batching(noisy_handset_dir):
    # One line among very different neighbours, batched several ways: with one activation scale
    # per batch (torch's dynamic int8) the loud neighbour would coarsen everyone's numbers.
    quiet = [f"我跟我朋唷打算去{place}玩儿。" for place in ("法国", "北京", "上海", "天津")]
    loud = ["唷" * 120, "天天" * 60, "Hi 😀 " * 20 + "唷天"]
    texts = quiet + loud
    corrector = Corrector(noisy_handset_dir, precision="int8", batch_size=32)
    one_at_a_time = [corrector.propose([t])[0] for t in texts]
    assert corrector.propose(texts) == one_at_a_time
    in_pairs = Corrector(noisy_handset_dir, precision="int8", batch_size=2)
    assert in_pairs.propose(texts[::-1])[::-1] == one_at_a_time


def test_int8_scales_are_fixed_at_load_time(noisy_handset_dir):
    from electra_corrector.engine.int8 import FixedScaleInt8Linear

    def scales(corrector):
        modules = corrector.models.discriminator.modules()
        return [(m.scale, m.zero_point) for m in modules if isinstance(m, FixedScaleInt8Linear)]

    first = Corrector(noisy_handset_dir, precision="int8")
    before = scales(first)
    first.correct_batch(["唷" * 200, "我跟我朋唷打算"])
    assert scales(first) == before
    assert scales(Corrector(noisy_handset_dir, precision="int8")) == before
    assert len({scale for scale, _ in before}) > 1  # measured per layer, not one constant


def test_auto_prefers_int8_on_cpus_and_fp16_on_cuda():
    assert preferred(torch.device("cuda")) == "fp16"
    assert preferred(CPU) == "int8"
    assert preferred(torch.device("mps")) == "fp32"


def refuse_bfloat16(monkeypatch):
    """Make this torch behave like a build without bf16 kernels for Linear layers."""
    linear = torch.nn.functional.linear

    def without_bf16(x, weight, bias=None):
        if x.dtype == torch.bfloat16:
            raise RuntimeError("\"addmm_impl_cpu_\" not implemented for 'BFloat16'")
        return linear(x, weight, bias)

    monkeypatch.setattr(torch.nn.functional, "linear", without_bf16)


def test_auto_falls_back_to_fp32_when_the_device_cannot_run_its_choice(
    noisy_handset_dir, monkeypatch
):
    refuse_int8(monkeypatch)
    corrector = Corrector(noisy_handset_dir, precision="auto")
    assert corrector.precision == "fp32"
    assert corrector.correct("我跟我朋唷打算").text == "我跟我朋友打算"
    # Asked for by name, it is an error rather than a silent change.
    with pytest.raises(CorrectorError, match=r"precision int8 cannot run on cpu: .*NoQEngine"):
        Corrector(noisy_handset_dir, precision="int8")
    refuse_bfloat16(monkeypatch)
    with pytest.raises(CorrectorError, match="precision bf16 cannot run on cpu"):
        Corrector(noisy_handset_dir, precision="bf16")


def refuse_int8(monkeypatch):
    """Make this torch behave like a build without quantized kernels."""

    def missing(*args, **kwargs):
        raise RuntimeError("Didn't find engine for operation quantized::linear_prepack NoQEngine")

    monkeypatch.setattr("electra_corrector.engine.int8.FixedScaleInt8Linear.__init__", missing)


def test_int8_is_refused_off_the_cpu_and_when_torch_cannot_quantize(monkeypatch):
    assert unavailable("int8", torch.device("meta")) == "int8 runs on CPUs only"
    refuse_int8(monkeypatch)
    assert "NoQEngine" in unavailable("int8", CPU)


def test_cli_reports_an_impossible_precision_in_one_line(capsys, noisy_handset_dir, monkeypatch):
    # A CPU whose torch cannot quantize (the meta device is now refused before any precision).
    refuse_int8(monkeypatch)
    status = main(["--model", str(noisy_handset_dir), "--precision", "int8", "--threads", "1"])
    err = capsys.readouterr().err
    assert status == 2
    assert err == (
        "electra-correct: precision int8 cannot run on cpu: Didn't find engine for operation "
        "quantized::linear_prepack NoQEngine\n"
    )


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_candidate_logits_alone_equal_the_whole_output_layers(noisy_handset_dir, precision):
    # top_k covering the vocabulary: only the candidates' rows of the output layer are used;
    # one short of it, the whole layer runs (to rank the vocabulary). Same proposals either way.
    texts = ["我跟我朋唷打算去天津玩儿。", "天天唷唷朋唷", "今天天气很好。"]
    vocabulary = Corrector(noisy_handset_dir, precision="fp32").models.generator.config.vocab_size
    few = Corrector(noisy_handset_dir, precision=precision, threshold=0.01, top_k=vocabulary)
    whole = Corrector(noisy_handset_dir, precision=precision, threshold=0.01, top_k=vocabulary - 1)
    if precision == "int8":  # the candidates' rows are read in fp32: compare with fp32's layer
        head = few.models.generator.generator_lm_head
        fp32_head = torch.nn.Linear(head.in_features, head.out_features)
        fp32_head.weight, fp32_head.bias = torch.nn.Parameter(head.weight), head.bias
        whole.models.generator.generator_lm_head = fp32_head
    got, expected = few.propose(texts), whole.propose(texts)
    assert sum(map(len, got)) >= 3
    for mine, theirs in zip(got, expected, strict=True):
        assert [(p.offset, p.right) for p in mine] == [(p.offset, p.right) for p in theirs]
        assert [p.gain for p in mine] == pytest.approx([p.gain for p in theirs], abs=1e-4)
