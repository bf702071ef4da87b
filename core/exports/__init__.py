"""Files people download, made safe to open in a spreadsheet."""
