"""An in-memory directory: numbers to devices, and how simulated remote parties behave.

The database-backed directory of the voice service has the same three methods; this one serves
the switch's own tests and any embedding that keeps its numbers in memory.
"""
from .model import DirectoryNumber, RemoteBehaviour


class MemoryDirectory:
    """Directory numbers kept in a dict; remote numbers answer after ``default_delay`` seconds
    unless ``behaviours`` says otherwise ({number: (behaviour, delay)})."""

    def __init__(self, numbers=(), behaviours=None, default=(RemoteBehaviour.ANSWER, 0.0)):
        self.numbers = {dn.number: dn for dn in numbers}
        self.behaviours = dict(behaviours or {})
        self.default = default

    def add(self, device_id, number, **fields):
        self.numbers[number] = DirectoryNumber(device_id=device_id, number=number, **fields)
        return self.numbers[number]

    def lookup(self, number):
        return self.numbers.get(number)

    def remote(self, number):
        return self.behaviours.get(number, self.default)

    def normalise(self, number):
        number = (number or "").strip()
        return number or None
