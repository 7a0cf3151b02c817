"""Run by the Python that LibreOffice's UNO bridge belongs to (Debian's python3-uno), not by
the tests' own: opens a document in a headless LibreOffice, accepts or rejects every tracked
change (or neither: "keep"), and prints how many are left and then the body's text.

usage: python3 uno_revisions.py DOCUMENT accept|reject|keep PROFILE_DIR
"""

import os
import subprocess
import sys
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue

COMMANDS = {
    "accept": ".uno:AcceptAllTrackedChanges",
    "reject": ".uno:RejectAllTrackedChanges",
    "keep": None,
}


def main(path: str, action: str, profile: str) -> None:
    pipe = f"electra-{uuid.uuid4().hex}"
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            f"-env:UserInstallation=file://{os.path.abspath(profile)}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        context = _connect(pipe)
        manager = context.ServiceManager
        desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        hidden = PropertyValue()
        hidden.Name, hidden.Value = "Hidden", True
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        document = desktop.loadComponentFromURL(url, "_blank", 0, (hidden,))
        if COMMANDS[action]:
            helper = manager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
            frame = document.getCurrentController().getFrame()
            helper.executeDispatch(frame, COMMANDS[action], "", 0, ())
        print(document.getRedlines().getCount())
        sys.stdout.write(document.getText().getString())
        document.close(True)
    finally:
        office.terminate()
        office.wait(60)


def _connect(pipe: str):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # not listening yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


if __name__ == "__main__":
    main(*sys.argv[1:])
