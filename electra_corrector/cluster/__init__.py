"""electra-correct-ray: the corrector over Ray (not named `ray/`: that would shadow the library)."""
