"""`make check`: a stack's settings checked offline, and what the program would declare.

`mocks` runs the Pulumi program (`__main__.py`) in this process under Pulumi's mocks, recording
each resource it declares (the tests' harness runs it the same way); `cli` reads the stack file as
the Pulumi CLI would (doctor_checks/stack_files.py), validates the settings, runs the program and
prints the summary. No credentials, cluster or Pulumi CLI are involved.
"""
