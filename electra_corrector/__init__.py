"""electra-correct: Chinese spelling correction with an ELECTRA discriminator and generator.

from electra_corrector import Corrector
corrector = Corrector()                 # the bundled default model, on the CPU
result = corrector.correct("我跟我朋唷打算去法国玩儿。")
result.text, result.edits
"""

__version__ = "0.1.0"

__all__ = ["Correction", "Corrector", "CorrectorOptions", "Edit", "__version__"]


def __getattr__(name):
    # Lazy, so that `electra-correct --help` never pays for importing torch.
    if name == "Corrector":
        from electra_corrector.engine.corrector import Corrector

        return Corrector
    if name in ("Correction", "Edit"):
        from electra_corrector.engine import result

        return getattr(result, name)
    if name == "CorrectorOptions":
        from electra_corrector.engine.options import CorrectorOptions

        return CorrectorOptions
    raise AttributeError(f"module 'electra_corrector' has no attribute {name!r}")
