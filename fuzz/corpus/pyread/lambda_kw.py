f(lambda row: "Q: " + row["q"] + "\n\nA: ", axis=1)
g(k=1, sys_prompt="S\x41\u00e9", t=0)
