"""An independent hand-off memo generator and its frozen, labelled corpus.

Written apart from `readiness.simulate` so the parser can be measured on memos it
was not built beside (issue 15). See README.md in this folder.
"""
