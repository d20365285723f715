"""peuplement: warehouse for an EPCI's étude de peuplement (OPS + RPLS) with statistical secrecy."""

__version__ = "0.1.0"
