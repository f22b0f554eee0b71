/* cli/cli.h - shared declarations of the medsafety command. */
#ifndef MEDSAFETY_CLI_H
#define MEDSAFETY_CLI_H

enum {
	CLI_EXIT_OK = 0,    /* success */
	CLI_EXIT_FAIL = 1,  /* the work failed, or a gate (--fail-if-worse) failed */
	CLI_EXIT_USAGE = 2  /* bad usage or bad input */
};

typedef struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the command's name */
} cli_command;

/* subcommands */
int cli_dataset(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_compare(int argc, char **argv);
int cli_merge(int argc, char **argv);
int cli_rescore(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_mcq(int argc, char **argv);
int cli_demonstrations(int argc, char **argv);
int cli_view(int argc, char **argv);

#endif
