"""The document core every front end calls: a document becomes units to check in its format
(formats.py), the units are corrected in batches through the engine (correcting.py), and come
back as the corrected document and as findings placed in any unit (findings.py). Beside it:
the settings every front end reads (settings.py, options.py), the one registry of output
formats (outputs.py) with their renderers (render.py, reports.py), and what console scripts
share (console.py, outcome.py)."""
