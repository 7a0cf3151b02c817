"""The electra-correct command line: options, settings files, discovery, the pipeline, formats."""
