# x = "no"
s = "x = 1"
x = r"raw\n" u"\101"
eval_prompt = f"""""q"" {a['b']:>3}"""
