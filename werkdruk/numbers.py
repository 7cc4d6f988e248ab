"""Numbers as people write them: no trailing zeros, in the active language's format."""

from decimal import Decimal

from django.utils.formats import number_format


def format_number(value) -> str:
    """``0.6000`` as ``0,6`` in Dutch (``0.6`` in English), ``10.00`` as ``10``."""
    value = Decimal(str(value)).normalize()
    if value.as_tuple().exponent > 0:  # 1E+1 after normalize: back to 10
        value = value.quantize(1)
    return number_format(value)
