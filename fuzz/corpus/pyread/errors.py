x = b"bytes"
rubric = "\N{BULLET}"
x = "unterminated
