// libedit's readline-compatible interface. The header path matters: <readline/readline.h> may be GNU
// readline's (GPL) header, which would silently mismatch the libedit we link.
#include <stdio.h>
#include <editline/readline.h>
