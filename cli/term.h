/* cli/term.h - what the terminal on a file descriptor can show. */
#ifndef MEDSAFETY_CLI_TERM_H
#define MEDSAFETY_CLI_TERM_H

/* 1 when fd is a terminal. */
int cli_term_is_tty(int fd);
/* 1 when colours may be used on fd: a terminal, TERM is not "dumb", NO_COLOR unset or empty. */
int cli_term_color(int fd);
/* Columns of the terminal on fd (COLUMNS, else 80 when unknown). */
int cli_term_width(int fd);
/* 1 when the locale says UTF-8 (LC_ALL, LC_CTYPE, LANG). */
int cli_term_utf8(void);

/* SGR sequences, or "" when colour is off. */
#define CLI_SGR(on, code) ((on) ? "\033[" code "m" : "")
#define CLI_BOLD(on) CLI_SGR(on, "1")
#define CLI_RED(on) CLI_SGR(on, "31")
#define CLI_GREEN(on) CLI_SGR(on, "32")
#define CLI_YELLOW(on) CLI_SGR(on, "33")
#define CLI_DIM(on) CLI_SGR(on, "2")
#define CLI_RESET(on) CLI_SGR(on, "0")

#endif
