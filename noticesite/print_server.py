"""Imported by the fork server that the PDF printers are forked from (see ``pdf._run``).

It prints one tiny document, so that what WeasyPrint sets up once per process
(its user-agent stylesheets, the modules it imports on first use, fontconfig)
is done once here and inherited by every printer, instead of being done again
for each document.
"""
import weasyprint

weasyprint.HTML(string='<html lang="zh-CN"><p>通知 Notice 1</p></html>').write_pdf()
