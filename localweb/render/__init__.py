"""Renderers of a generated report: the same report as the formats real sites publish.

html      hand-written HTML table and MS-Word-export HTML (article bodies)
pdf       PDF with a CJK font (reportlab), ruled tables pdfplumber reads back
docx      DOCX with merged cells (python-docx), byte-stable
doc       legacy .doc, converted from the DOCX once by LibreOffice and cached
image     the tables as PNG pictures (a report whose figures cannot be read as text)
"""
