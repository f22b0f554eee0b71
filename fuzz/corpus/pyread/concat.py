x = "a" \
    + f"""b {y} {{c}}
  d""" # note
sys_prompt = ("one "
  'two')
