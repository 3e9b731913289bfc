"""`handshake demo`: the whole hand-off in a browser, with no Slack workspace.

The sandbox (the stand-in Slack and its page), the bot wired to it exactly as `serve`
wires it to Slack, the demo company in `handshake.demo.yml`, and a feed of sample leads:

    demo = Demo(port=0, leads=3, every=0)
    url = demo.start()
    ...
    demo.stop()
"""

from bot.demo.runner import Demo, PortUnavailable, run_demo

__all__ = ["Demo", "PortUnavailable", "run_demo"]
