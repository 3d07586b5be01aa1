"""Load client for the aimonitor service: built-in prompt mixes, a bounded async
request loop and a summary report. The CLI lives in `aimonitor.commands.load`."""
