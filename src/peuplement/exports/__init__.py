"""What leaves the warehouse: the CIL workbook, the landlords' restitutions, the open files."""
