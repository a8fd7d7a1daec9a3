// libedit's readline-compatible interface. The header path matters: <readline/readline.h> may be GNU
// readline's (GPL) header, which would silently mismatch the libedit we link.
#include <stdio.h>
#include <editline/readline.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <unistd.h>

// Swift 6 refuses to read or write C mutable globals ("not concurrency-safe"), so every readline global the
// Shell touches goes through one of these accessors. They are only called from the thread that runs the
// prompt, which is also the only thread libedit itself uses.

/// Sets `rl_readline_name` (the application name used for ~/.editrc conditionals). The string must outlive
/// the editor: callers pass a strdup'ed copy.
static inline void gantry_rl_set_readline_name(const char *name) { rl_readline_name = name; }

/// Installs (or, with NULL, removes) the attempted-completion callback.
static inline void gantry_rl_set_attempted_completion(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}

/// Set from inside the completion callback: 1 stops libedit from falling back to file-name completion when
/// the callback returns no matches.
static inline void gantry_rl_set_attempted_completion_over(int over) { rl_attempted_completion_over = over; }

/// The character appended after a unique completion (' ' normally, '\0' for none).
static inline void gantry_rl_set_completion_append_character(int character) {
    rl_completion_append_character = character;
}

/// Word-break characters. libedit's rl_complete reads `rl_basic_word_break_characters`; GNU readline reads
/// `rl_completer_word_break_characters`. Both are set so the behaviour does not depend on which one a
/// libedit version consults. The string must outlive the editor.
static inline void gantry_rl_set_word_break_characters(const char *characters) {
    rl_basic_word_break_characters = characters;
    rl_completer_word_break_characters = (char *)characters;
}

/// Installs the function readline calls to read each key (NULL restores libedit's own reader). libedit
/// looks at it only inside rl_initialize, so it must be set before that. The function returns one
/// character (a Unicode scalar value, which libedit stores as a wchar_t as is) or -1 for "no more input".
static inline void gantry_rl_set_getc_function(int (*function)(FILE *)) { rl_getc_function = function; }

/// Blocks until `fd` is readable, with the signal mask `mask` in force only while waiting. pselect swaps
/// the mask atomically, so a signal that is blocked outside the wait cannot slip in between checking a
/// flag and going to sleep: it interrupts the wait (EINTR) instead. Returns pselect's result.
static inline int gantry_wait_readable(int fd, const sigset_t *mask) {
    fd_set readable;
    FD_ZERO(&readable);
    FD_SET(fd, &readable);
    return pselect(fd + 1, &readable, NULL, NULL, NULL, mask);
}

/// The line being edited, as libedit last published it (valid inside the completion callback, where
/// libedit has just refreshed it and NUL-terminated it at the end of the line).
static inline const char *gantry_rl_line_buffer(void) { return rl_line_buffer; }

/// The width of the terminal on `fd` from TIOCGWINSZ, or 0 when `fd` is not a terminal or reports no size.
static inline int gantry_terminal_columns(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return (int)size.ws_col;
}

/// The height of the terminal on `fd` in rows, or 0 when `fd` is not a terminal or reports no size.
static inline int gantry_terminal_rows(int fd) {
    struct winsize size;
    if (ioctl(fd, TIOCGWINSZ, &size) != 0) return 0;
    return (int)size.ws_row;
}

/// The C standard input stream (`stdin` is a mutable global, so Swift 6 cannot name it directly).
static inline FILE *gantry_stdin(void) { return stdin; }

/// `history_base` and `history_length`, for listing the in-memory history with `history_get`.
static inline int gantry_history_base(void) { return history_base; }
static inline int gantry_history_length(void) { return history_length; }
