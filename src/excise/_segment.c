/* excise._segment: the compiled form of excise.segment.segment_python.
 *
 * segment.py states the rules that bound units as regular expressions, run per line and per
 * sentence from Python. This file implements each of those expressions as a hand-written scanner
 * (the comment above each names the expression or branch it implements), so that segment()
 * returns exactly the units that segment_python() returns, for every str. What Python's re means
 * by the pieces the expressions use, and how it is reproduced here:
 *
 *   \s, \S, str.strip()  Py_UNICODE_ISSPACE, i.e. str.isspace()
 *   \w                   Py_UNICODE_ISALNUM(c) or '_'; [^\W_] is Py_UNICODE_ISALNUM (str.isalnum())
 *   .                    any character but '\n'
 *   re.IGNORECASE        a pattern letter matches every character whose simple lower case is that
 *                        letter, plus the ones re's case-folding table adds; for the letters used
 *                        here that is only U+017F (long s) for 's' (see ci())
 *   [^X]{m,n} then X     (as in [^\]\n]{1,300}\]) never needs to backtrack: X cannot start inside the
 *                        class, so the match exists iff the run before the first X is m..n long
 *   finditer/search/match(text, pos, endpos)
 *                        a match and its lookaheads stop at endpos; lookbehinds (and \b) see the
 *                        characters before pos, down to the start of the string; after a match the
 *                        search goes on at its end
 *
 * tests/test_segment_compiled.py holds the two implementations to the same units.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* unit kinds, numbered as in segment.py (TEXT, LINK, REFLINK, REFDEF, URL, IMAGE = range(6)) */
enum { TEXT, LINK, REFLINK, REFDEF, URL, IMAGE };

#define MAX_ANCHOR_WORDS 6   /* segment.MAX_ANCHOR_WORDS */
#define ANCHOR_WINDOW 80     /* _spelled_anchor reads words in the 80 characters before the URL */

typedef struct {
    PyObject *text;
    int kind;                /* PyUnicode_KIND(text) */
    const void *data;        /* PyUnicode_DATA(text) */
    Py_ssize_t len;
    PyTypeObject *unit_type; /* what each unit is made as: excise.segment.Unit, or tuple */
    PyObject *units;         /* the list being filled */
    Py_ssize_t para, line;   /* of the line being read */
} Segmenter;

#define CH(sg, i) PyUnicode_READ((sg)->kind, (sg)->data, (i))

static PyObject *str_lower; /* the interned name "lower" */

/* --------------------------------------------------------------------------- character classes */

static inline int
is_space(Py_UCS4 c)
{
    return Py_UNICODE_ISSPACE(c);
}

static inline int
is_alnum(Py_UCS4 c)
{
    if (c < 128) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    return Py_UNICODE_ISALNUM(c);
}

/* \w */
static inline int
is_word(Py_UCS4 c)
{
    return c == '_' || is_alnum(c);
}

/* segment._CLOSERS: "\"'\u201d\u2019\u00bb)]" */
static inline int
is_closer(Py_UCS4 c)
{
    switch (c) {
    case '"': case '\'': case 0x201D: case 0x2019: case 0x00BB: case ')': case ']':
        return 1;
    default:
        return 0;
    }
}

/* [.!?\u2026]: the punctuation that ends a sentence */
static inline int
is_terminal(Py_UCS4 c)
{
    return c == '.' || c == '!' || c == '?' || c == 0x2026;
}

/* [\u2022\u00b7]: bullets */
static inline int
is_bullet(Py_UCS4 c)
{
    return c == 0x2022 || c == 0x00B7;
}

/* Where scanning stops. Most characters start nothing; the loops that skip to the few that do
 * (find_class, break_candidate) are compiled once per string kind (BY_KIND) and classify the first
 * 256 code points with a table. The rest of the code reads one character at a time with CH. */
enum {
    NEWLINE = 1,      /* '\n': the end of a line */
    BREAK_START = 2,  /* whitespace or a closer: what every _BREAK match starts with */
    LINK_START = 4,   /* "!", "[", "<", h, H, w, W: what every _LINKS match starts with */
};

static unsigned char latin1_classes[256]; /* filled by init_classes() from class_of() */

static int
class_of(Py_UCS4 c)
{
    int classes = 0;
    if (c == '\n') {
        classes |= NEWLINE;
    }
    if (is_space(c) || is_closer(c)) {
        classes |= BREAK_START;
    }
    if (c == '!' || c == '[' || c == '<' || c == 'h' || c == 'H' || c == 'w' || c == 'W') {
        classes |= LINK_START;
    }
    return classes;
}

static void
init_classes(void)
{
    for (Py_UCS4 c = 0; c < 256; c++) {
        latin1_classes[c] = (unsigned char)class_of(c);
    }
}

#define HAS_CLASS(c, wanted) (((c) < 256 ? latin1_classes[c] : class_of(c)) & (wanted))

#ifndef Py_ALWAYS_INLINE /* Python 3.10 */
#define Py_ALWAYS_INLINE
#endif

/* loop(kind, data, ...) with the string kind as a constant: the compiler makes one copy of the loop
 * per kind, in which PyUnicode_READ is a plain array read */
#define BY_KIND(sg, loop, ...)                                                                           \
    ((sg)->kind == PyUnicode_1BYTE_KIND   ? loop(PyUnicode_1BYTE_KIND, (sg)->data, __VA_ARGS__)          \
     : (sg)->kind == PyUnicode_2BYTE_KIND ? loop(PyUnicode_2BYTE_KIND, (sg)->data, __VA_ARGS__)          \
                                          : loop(PyUnicode_4BYTE_KIND, (sg)->data, __VA_ARGS__))

static inline Py_ALWAYS_INLINE Py_ssize_t
find_class_in(int kind, const void *data, Py_ssize_t p, Py_ssize_t end, int wanted)
{
    while (p < end && !HAS_CLASS(PyUnicode_READ(kind, data, p), wanted)) {
        p++;
    }
    return p;
}

/* the first index in [p, end) whose character is of a class in `wanted` (end if none) */
static Py_ssize_t
find_class(const Segmenter *sg, Py_ssize_t p, Py_ssize_t end, int wanted)
{
    return BY_KIND(sg, find_class_in, p, end, wanted);
}

/* re.IGNORECASE match of the pattern letter `lower` (one of the ASCII letters the patterns use:
 * a, f, h, p, s, t, w). Checked against re for every code point by the tests. */
static inline int
ci(Py_UCS4 c, char lower)
{
    return c == (Py_UCS4)lower || c == (Py_UCS4)(lower - 'a' + 'A') || (lower == 's' && c == 0x017F);
}

/* the literal `pattern` at i under re.IGNORECASE (its letters are lower-case ASCII): the index after it, or -1 */
static Py_ssize_t
literal_ci(const Segmenter *sg, Py_ssize_t i, Py_ssize_t end, const char *pattern)
{
    for (; *pattern; pattern++, i++) {
        if (i >= end) {
            return -1;
        }
        Py_UCS4 c = CH(sg, i);
        int ok = (*pattern >= 'a' && *pattern <= 'z') ? ci(c, *pattern) : c == (Py_UCS4)*pattern;
        if (!ok) {
            return -1;
        }
    }
    return i;
}

/* [^C\n]{lo,hi}C from `from` ([^C]{lo,hi}C when newline_too is 0): the index after C, or -1.
 * C (and '\n') are outside the class, so C can only follow the run that stops at the first of them. */
static Py_ssize_t
closing(const Segmenter *sg, Py_ssize_t from, Py_ssize_t end, Py_ssize_t lo, Py_ssize_t hi, Py_UCS4 close,
        int newline_too)
{
    for (Py_ssize_t i = from; i < end && i - from <= hi; i++) {
        Py_UCS4 c = CH(sg, i);
        if (c == close) {
            return i - from >= lo ? i + 1 : -1;
        }
        if (c == '\n' && newline_too) {
            return -1;
        }
    }
    return -1;
}

/* --------------------------------------------------------------------------- units */

/* append the unit text[start:end] of `kind` on the current line */
static int
emit(Segmenter *sg, Py_ssize_t start, Py_ssize_t end, int kind)
{
    const Py_ssize_t values[5] = {start, end, kind, sg->para, sg->line};
    PyObject *fields = PyTuple_New(5);
    if (fields == NULL) {
        return -1;
    }
    for (int i = 0; i < 5; i++) {
        PyObject *value = PyLong_FromSsize_t(values[i]);
        if (value == NULL) {
            Py_DECREF(fields);
            return -1;
        }
        PyTuple_SET_ITEM(fields, i, value);
    }
    PyObject *unit = fields;
    if (sg->unit_type != &PyTuple_Type) {
        /* tuple.__new__(unit_type, fields): what a NamedTuple's _make does, without its Python __new__ */
        PyObject *args = PyTuple_Pack(1, fields);
        Py_DECREF(fields);
        if (args == NULL) {
            return -1;
        }
        unit = PyTuple_Type.tp_new(sg->unit_type, args, NULL);
        Py_DECREF(args);
        if (unit == NULL) {
            return -1;
        }
    }
    int rc = PyList_Append(sg->units, unit);
    Py_DECREF(unit);
    return rc;
}

/* --------------------------------------------------------------------------- sentences */

/* segment._STARTERS, sorted (strcmp order) for bsearch */
static const char *const STARTERS[] = {
    "According", "Additionally", "After", "All", "Also", "Although", "Always", "And", "Another", "As", "At",
    "Because", "Before", "Both", "But", "By", "Despite", "Did", "Do", "During", "Each", "Even", "Finally", "For",
    "He", "Her", "His", "How", "However", "I", "If", "In", "Instead", "Is", "It", "Its", "Just", "Let", "Like",
    "Many", "Maybe", "Meanwhile", "More", "Most", "Much", "My", "No", "Now", "Often", "On", "Once", "Only",
    "Other", "Others", "Our", "Over", "Overall", "Please", "Several", "She", "Since", "So", "Some", "Sometimes",
    "Still", "Such", "That", "The", "Their", "Then", "There", "Therefore", "These", "They", "This", "Those",
    "Though", "Thus", "To", "Unfortunately", "Unlike", "Usually", "We", "What", "When", "Where", "Whether",
    "While", "Who", "With", "Without", "Yet", "You", "Your",
};
#define N_STARTERS (sizeof(STARTERS) / sizeof(STARTERS[0]))
#define MAX_STARTER_LEN 13 /* "Unfortunately" */

static int
compare_starter(const void *key, const void *item)
{
    return strcmp((const char *)key, *(const char *const *)item);
}

/* The lookahead (?=(?:STARTERS)(?:\s+[a-z(]|[,'\u2019])) at i. Every starter is ASCII letters and
 * what must follow it is not a letter, so the one candidate is the run of ASCII letters at i. */
static int
starter_at(const Segmenter *sg, Py_ssize_t i, Py_ssize_t end)
{
    char word[MAX_STARTER_LEN + 1];
    Py_ssize_t n = 0;
    if (i >= end || CH(sg, i) < 'A' || CH(sg, i) > 'Z') {
        return 0; /* every starter is capitalised: most words are not, and fail here */
    }
    for (; i < end; i++) {
        Py_UCS4 c = CH(sg, i);
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            break;
        }
        if (n == MAX_STARTER_LEN) {
            return 0;
        }
        word[n++] = (char)c;
    }
    word[n] = '\0';
    if (n == 0 || bsearch(word, STARTERS, N_STARTERS, sizeof(STARTERS[0]), compare_starter) == NULL) {
        return 0;
    }
    if (i >= end) {
        return 0;
    }
    Py_UCS4 c = CH(sg, i);
    if (c == ',' || c == '\'' || c == 0x2019) { /* [,'\u2019] */
        return 1;
    }
    Py_ssize_t j = i; /* \s+[a-z(] */
    while (j < end && is_space(CH(sg, j))) {
        j++;
    }
    if (j == i || j >= end) {
        return 0;
    }
    c = CH(sg, j);
    return (c >= 'a' && c <= 'z') || c == '(';
}

/* The branches of _BREAK that start with whitespace, for the whitespace run text[p:run_end]
 * (run_end < stop). All of them end their match at run_end: the \s* or \s+ after the first
 * character is greedy and what follows it is not whitespace. Inside a run only its first
 * character can start one of them (B, C and E look behind for a non-space character, and D's
 * condition is the same anywhere in the run), so the caller tries the first character only.
 * _BREAK's guard (?=\s*[INITIALS\u2022\u00b7]|\s\s) is implied by each of C, D and E. */
static int
whitespace_break(const Segmenter *sg, Py_ssize_t p, Py_ssize_t run_end, Py_ssize_t stop)
{
    const int has_prev = p > 0;
    const Py_UCS4 prev = has_prev ? CH(sg, p - 1) : 0;
    /* B  (?<=[.!?\u2026]\s)\s*(?=\S)       "… now. Then" */
    if (has_prev && is_terminal(prev)) {
        return 1;
    }
    /* C  (?<=[A-Za-z0-9%):>*+\ufeff]\s)\s*(?=(?:STARTERS)(?:\s+[a-z(]|[,'\u2019]))   "cialis 40 mg It follows" */
    if (has_prev && (((prev >= 'A' && prev <= 'Z') || (prev >= 'a' && prev <= 'z') || (prev >= '0' && prev <= '9'))
                     || prev == '%' || prev == ')' || prev == ':' || prev == '>' || prev == '*' || prev == '+'
                     || prev == 0xFEFF)
        && starter_at(sg, run_end, stop)) {
        return 1;
    }
    /* D  (?<=\s)\s*(?=[\u2022\u00b7]\s)      "… • item" */
    if (is_bullet(CH(sg, run_end)) && run_end + 1 < stop && is_space(CH(sg, run_end + 1))) {
        return 1;
    }
    /* E  (?<=\S\s)\s{2,}(?=\S)              "…   Then": three or more spaces */
    return has_prev && !is_space(prev) && run_end - p >= 3;
}

static inline Py_ALWAYS_INLINE Py_ssize_t
break_candidate_in(int kind, const void *data, Py_ssize_t p, Py_ssize_t stop)
{
    for (; (p = find_class_in(kind, data, p, stop, BREAK_START)) < stop; p++) {
        const Py_UCS4 c = PyUnicode_READ(kind, data, p);
        if (p > 0 && p + 1 < stop && is_space(c)) {
            const Py_UCS4 prev = PyUnicode_READ(kind, data, p - 1), next = PyUnicode_READ(kind, data, p + 1);
            if (!is_space(next) && !(next >= 'A' && next <= 'Z') && !is_bullet(next) && !is_terminal(prev)) {
                continue; /* one space that neither B, C, D nor E breaks at */
            }
        }
        return p;
    }
    return stop;
}

/* The first index in [p, stop) where a _BREAK match may start: a closer, or whitespace. One space
 * between two words, the commonest, is skipped when nothing can break there: B needs terminal
 * punctuation before it, C a capital after it, D a bullet after it and E two more spaces. */
static Py_ssize_t
break_candidate(const Segmenter *sg, Py_ssize_t p, Py_ssize_t stop)
{
    return BY_KIND(sg, break_candidate_in, p, stop);
}

/* _split_sentences: the sentence units of text[pos:stop], which starts and ends with non-space */
static int
split_sentences(Segmenter *sg, Py_ssize_t pos, Py_ssize_t stop)
{
    if (stop - pos < 24) {
        return emit(sg, pos, stop, TEXT);
    }
    /* _BREAK.finditer(text, pos, stop); every match starts with whitespace or a closer */
    Py_ssize_t p = pos;
    while ((p = break_candidate(sg, p, stop)) < stop) {
        Py_UCS4 c = CH(sg, p);
        if (is_space(c)) {
            Py_ssize_t run_end = p + 1;
            while (run_end < stop && is_space(CH(sg, run_end))) {
                run_end++;
            }
            if (run_end < stop && whitespace_break(sg, p, run_end, stop)) {
                if (p > pos && emit(sg, pos, p, TEXT) < 0) {
                    return -1;
                }
                pos = run_end;
            }
            p = run_end;
        }
        else if (is_closer(c) && p > 0 && is_terminal(CH(sg, p - 1))) {
            /* A  (?<=[.!?\u2026]CLOSER)CLOSER*\s+(?=\S)     "… now.” Then" */
            Py_ssize_t closers_end = p + 1;
            while (closers_end < stop && is_closer(CH(sg, closers_end))) {
                closers_end++;
            }
            Py_ssize_t space_end = closers_end;
            while (space_end < stop && is_space(CH(sg, space_end))) {
                space_end++;
            }
            if (space_end > closers_end && space_end < stop) {
                /* the closers belong to the sentence they close */
                if (closers_end > pos && emit(sg, pos, closers_end, TEXT) < 0) {
                    return -1;
                }
                pos = p = space_end;
            }
            else {
                p++;
            }
        }
        else {
            p++;
        }
    }
    return stop > pos ? emit(sg, pos, stop, TEXT) : 0;
}

/* _sentences: the sentence units of text[start:end], trimmed */
static int
sentences(Segmenter *sg, Py_ssize_t start, Py_ssize_t end)
{
    while (start < end && is_space(CH(sg, start))) {
        start++;
    }
    while (end > start && is_space(CH(sg, end - 1))) {
        end--;
    }
    return start < end ? split_sentences(sg, start, end) : 0;
}

/* --------------------------------------------------------------------------- links: _LINKS, branch by branch */

/* https?:// (case-insensitive) at i: the index after it, or -1. When "s" is there but "://" is not
 * after it, backtracking to "http" cannot help: "://" would have to start at that "s". */
static Py_ssize_t
http_at(const Segmenter *sg, Py_ssize_t i, Py_ssize_t end)
{
    i = literal_ci(sg, i, end, "http");
    if (i < 0) {
        return -1;
    }
    if (i < end && ci(CH(sg, i), 's')) {
        i++;
    }
    return literal_ci(sg, i, end, "://");
}

/* image:  !\[[^\]\n]{0,300}\](?:\([^)\n]{0,1000}\)|\[[^\]\n]{0,40}\]) */
static Py_ssize_t
image_at(const Segmenter *sg, Py_ssize_t p, Py_ssize_t end)
{
    if (p + 1 >= end || CH(sg, p + 1) != '[') {
        return -1;
    }
    Py_ssize_t q = closing(sg, p + 2, end, 0, 300, ']', 1);
    if (q < 0 || q >= end) {
        return -1;
    }
    Py_ssize_t r = -1;
    if (CH(sg, q) == '(') {
        r = closing(sg, q + 1, end, 0, 1000, ')', 1);
    }
    if (r < 0 && CH(sg, q) == '[') {
        r = closing(sg, q + 1, end, 0, 40, ']', 1);
    }
    return r;
}

/* link, first branch:  \[[^\]\n]{1,300}\]\([^)\s]{1,1000}(?:[ \t]+\"[^\"\n]{0,300}\")?\) */
static Py_ssize_t
markdown_link_at(const Segmenter *sg, Py_ssize_t p, Py_ssize_t end)
{
    Py_ssize_t q = closing(sg, p + 1, end, 1, 300, ']', 1);
    if (q < 0 || q >= end || CH(sg, q) != '(') {
        return -1;
    }
    /* [^)\s]{1,1000}: only its longest run can be followed by the title or ")", neither of which is in it */
    Py_ssize_t url = q + 1, u = url;
    while (u < end && u - url <= 1000) {
        Py_UCS4 c = CH(sg, u);
        if (c == ')' || is_space(c)) {
            break;
        }
        u++;
    }
    if (u == url || u - url > 1000) {
        return -1;
    }
    /* the optional title (?:[ \t]+\"[^\"\n]{0,300}\"), then \) */
    Py_ssize_t t = u;
    while (t < end && (CH(sg, t) == ' ' || CH(sg, t) == '\t')) {
        t++;
    }
    if (t > u && t < end && CH(sg, t) == '"') {
        Py_ssize_t r = closing(sg, t + 1, end, 0, 300, '"', 1);
        if (r >= 0 && r < end && CH(sg, r) == ')') {
            return r + 1;
        }
    }
    return u < end && CH(sg, u) == ')' ? u + 1 : -1;
}

/* the closing tag  </a\s*>  at v: the index after it, or -1 */
static Py_ssize_t
closing_tag_at(const Segmenter *sg, Py_ssize_t v, Py_ssize_t end)
{
    Py_ssize_t i = literal_ci(sg, v, end, "</a");
    if (i < 0) {
        return -1;
    }
    while (i < end && is_space(CH(sg, i))) {
        i++;
    }
    return i < end && CH(sg, i) == '>' ? i + 1 : -1;
}

/* link, second branch (an HTML anchor):  <a\b[^>]{0,1000}>.{0,300}?</a\s*> */
static Py_ssize_t
html_anchor_at(const Segmenter *sg, Py_ssize_t p, Py_ssize_t end)
{
    Py_ssize_t i = literal_ci(sg, p, end, "<a");
    /* \b: "a" is a word character, so the next one must not be (or be past the end) */
    if (i < 0 || (i < end && is_word(CH(sg, i)))) {
        return -1;
    }
    Py_ssize_t q = closing(sg, i, end, 0, 1000, '>', 0);
    if (q < 0) {
        return -1;
    }
    /* .{0,300}? is lazy: the first closing tag within 300 characters, none of them '\n' */
    for (Py_ssize_t v = q;; v++) {
        Py_ssize_t r = closing_tag_at(sg, v, end);
        if (r >= 0) {
            return r;
        }
        if (v - q == 300 || v >= end || CH(sg, v) == '\n') {
            return -1;
        }
    }
}

/* link, third branch (an autolink):  <(?:https?|ftp)://[^>\s]{1,1000}> */
static Py_ssize_t
autolink_at(const Segmenter *sg, Py_ssize_t p, Py_ssize_t end)
{
    Py_ssize_t i = http_at(sg, p + 1, end);
    if (i < 0) {
        i = literal_ci(sg, p + 1, end, "ftp://");
    }
    if (i < 0) {
        return -1;
    }
    Py_ssize_t u = i;
    while (u < end && u - i <= 1000) {
        Py_UCS4 c = CH(sg, u);
        if (c == '>' || is_space(c)) {
            break;
        }
        u++;
    }
    return u > i && u - i <= 1000 && u < end && CH(sg, u) == '>' ? u + 1 : -1;
}

/* reflink:  \[[^\]\n]{1,300}\]\[[^\]\n]{0,40}\] */
static Py_ssize_t
reflink_at(const Segmenter *sg, Py_ssize_t p, Py_ssize_t end)
{
    Py_ssize_t q = closing(sg, p + 1, end, 1, 300, ']', 1);
    if (q < 0 || q >= end || CH(sg, q) != '[') {
        return -1;
    }
    return closing(sg, q + 1, end, 0, 40, ']', 1);
}

/* url:  (?<![\w/.@-])(?:https?://|www\.)[^\s<>\"'\])]+ */
static Py_ssize_t
url_at(const Segmenter *sg, Py_ssize_t p, Py_ssize_t end)
{
    if (p > 0) {
        Py_UCS4 before = CH(sg, p - 1);
        if (is_word(before) || before == '/' || before == '.' || before == '@' || before == '-') {
            return -1;
        }
    }
    Py_ssize_t i = http_at(sg, p, end);
    if (i < 0) {
        i = literal_ci(sg, p, end, "www.");
    }
    if (i < 0) {
        return -1;
    }
    Py_ssize_t u = i;
    while (u < end) {
        Py_UCS4 c = CH(sg, u);
        if (is_space(c) || c == '<' || c == '>' || c == '"' || c == '\'' || c == ']' || c == ')') {
            break;
        }
        u++;
    }
    return u > i ? u : -1;
}

static inline Py_ALWAYS_INLINE Py_ssize_t
link_candidate_in(int kind, const void *data, Py_ssize_t p, Py_ssize_t end)
{
    for (; (p = find_class_in(kind, data, p, end, LINK_START)) < end; p++) {
        const Py_UCS4 c = PyUnicode_READ(kind, data, p);
        if (c == '!' || c == '[' || c == '<') {
            return p;
        }
        if (p + 1 < end) {
            const Py_UCS4 next = PyUnicode_READ(kind, data, p + 1);
            if ((c == 'h' || c == 'H') ? ci(next, 't') : ci(next, 'w')) {
                return p;
            }
        }
    }
    return end;
}

/* The first index in [p, end) where a _LINKS match may start: "!", "[", "<", or the "ht" or "ww" of
 * "http" or "www" (any case). h and w are common letters; the second letter rules most of them out. */
static Py_ssize_t
link_candidate(const Segmenter *sg, Py_ssize_t p, Py_ssize_t end)
{
    return BY_KIND(sg, link_candidate_in, p, end);
}

/* _LINKS tried at p, its branches in the pattern's order (the first that matches wins): the end of
 * the match, or -1. Sets the unit kind and whether the link is a bare URL or an autolink, which
 * segment.py tells apart by text[m_start] == "<" and the next character not being "a". */
static Py_ssize_t
link_at(const Segmenter *sg, Py_ssize_t p, Py_ssize_t end, int *kind, int *bare)
{
    Py_ssize_t m;
    *bare = 0;
    switch (CH(sg, p)) {
    case '!':
        *kind = IMAGE;
        return image_at(sg, p, end);
    case '[':
        *kind = LINK;
        if ((m = markdown_link_at(sg, p, end)) >= 0) {
            return m;
        }
        *kind = REFLINK;
        return reflink_at(sg, p, end);
    case '<':
        *kind = LINK;
        if ((m = html_anchor_at(sg, p, end)) >= 0) {
            return m;
        }
        *bare = 1;
        return autolink_at(sg, p, end);
    case 'h': case 'H': case 'w': case 'W': /* the only characters that match h or w under re.IGNORECASE */
        *kind = URL;
        *bare = 1;
        return url_at(sg, p, end);
    default:
        return -1;
    }
}

/* --------------------------------------------------------------------------- anchors spelled out by a URL */

/* str.lower() of text[start:end] (a new reference, or NULL) */
static PyObject *
lower_slice(PyObject *text, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *piece = PyUnicode_Substring(text, start, end);
    if (piece == NULL) {
        return NULL;
    }
    PyObject *lowered = PyObject_CallMethodNoArgs(piece, str_lower);
    Py_DECREF(piece);
    return lowered;
}

/* The words of the URL's path: set(_ANCHOR_WORD.findall(path)) where path follows
 * _URL_HOST = ^(?:<?\w+://)?[^/?#\s]* in the lower-cased URL; Py_None when the path is empty. */
static PyObject *
path_words(const Segmenter *sg, Py_ssize_t url_start, Py_ssize_t url_end)
{
    PyObject *url = lower_slice(sg->text, url_start, url_end);
    if (url == NULL) {
        return NULL;
    }
    const int kind = PyUnicode_KIND(url);
    const void *data = PyUnicode_DATA(url);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(url);
    /* (?:<?\w+://)?  ("<" is not \w, so "<?" never needs to give its character back) */
    Py_ssize_t i = 0, j = 0;
    if (j < n && PyUnicode_READ(kind, data, j) == '<') {
        j++;
    }
    Py_ssize_t k = j;
    while (k < n && is_word(PyUnicode_READ(kind, data, k))) {
        k++;
    }
    if (k > j && k + 3 <= n && PyUnicode_READ(kind, data, k) == ':' && PyUnicode_READ(kind, data, k + 1) == '/'
        && PyUnicode_READ(kind, data, k + 2) == '/') {
        i = k + 3;
    }
    /* [^/?#\s]*: the host */
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '/' || c == '?' || c == '#' || is_space(c)) {
            break;
        }
        i++;
    }
    if (i == n) {
        Py_DECREF(url);
        Py_RETURN_NONE;
    }
    PyObject *words = PySet_New(NULL);
    while (words != NULL && i < n) {
        while (i < n && !is_alnum(PyUnicode_READ(kind, data, i))) {
            i++;
        }
        Py_ssize_t start = i;
        while (i < n && is_alnum(PyUnicode_READ(kind, data, i))) {
            i++;
        }
        if (i > start) {
            PyObject *word = PyUnicode_Substring(url, start, i);
            if (word == NULL || PySet_Add(words, word) < 0) {
                Py_XDECREF(word);
                Py_CLEAR(words);
                break;
            }
            Py_DECREF(word);
        }
    }
    Py_DECREF(url);
    return words;
}

/* whether text[start:end] holds only spaces, tabs and hyphens (text[w.end():anchor].strip(" \t-") is empty) */
static int
only_joiners(const Segmenter *sg, Py_ssize_t start, Py_ssize_t end)
{
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 c = CH(sg, i);
        if (c != ' ' && c != '\t' && c != '-') {
            return 0;
        }
    }
    return 1;
}

/* segment._ANCHOR_GAP: " \t:-\u2013\u2014" */
static inline int
is_anchor_gap(Py_UCS4 c)
{
    return c == ' ' || c == '\t' || c == ':' || c == '-' || c == 0x2013 || c == 0x2014;
}

/* _spelled_anchor: where the words of text[pos:url_start] that the URL's path spells out begin
 * (url_start: none), or -1 with an exception set. The checks that need no Python objects come
 * first; segment.py reads the path first, but every step is free of side effects. */
static Py_ssize_t
spelled_anchor(const Segmenter *sg, Py_ssize_t pos, Py_ssize_t url_start, Py_ssize_t url_end)
{
    Py_ssize_t gap_start = url_start;
    while (gap_start > pos && is_anchor_gap(CH(sg, gap_start - 1))) {
        gap_start--;
    }
    if (gap_start == pos) {
        return url_start;
    }
    /* the last MAX_ANCHOR_WORDS of _ANCHOR_WORD.finditer(text, max(pos, gap_start - 80), gap_start), last first */
    const Py_ssize_t lo = gap_start - ANCHOR_WINDOW > pos ? gap_start - ANCHOR_WINDOW : pos;
    Py_ssize_t starts[MAX_ANCHOR_WORDS], ends[MAX_ANCHOR_WORDS];
    int n = 0;
    for (Py_ssize_t i = gap_start; n < MAX_ANCHOR_WORDS;) {
        while (i > lo && !is_alnum(CH(sg, i - 1))) {
            i--;
        }
        if (i == lo) {
            break;
        }
        ends[n] = i;
        while (i > lo && is_alnum(CH(sg, i - 1))) {
            i--;
        }
        starts[n++] = i;
    }
    if (n == 0 || ends[0] != gap_start) {
        return url_start; /* the URL does not follow a word */
    }
    PyObject *slug = path_words(sg, url_start, url_end);
    if (slug == NULL) {
        return -1;
    }
    Py_ssize_t anchor = url_start, letters = 0;
    for (int k = 0; slug != Py_None && k < n; k++) {
        if (anchor < url_start && !only_joiners(sg, ends[k], anchor)) {
            break;
        }
        PyObject *word = lower_slice(sg->text, starts[k], ends[k]);
        int in_path = word == NULL ? -1 : PySet_Contains(slug, word);
        Py_XDECREF(word);
        if (in_path < 0) {
            Py_DECREF(slug);
            return -1;
        }
        if (!in_path) {
            break;
        }
        anchor = starts[k];
        letters += ends[k] - starts[k];
    }
    Py_DECREF(slug);
    return letters >= 4 ? anchor : url_start;
}

/* _link_units: the units of the line text[start:end], its links and the sentences around them */
static int
link_units(Segmenter *sg, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t pos = start;
    Py_ssize_t p = start;
    while ((p = link_candidate(sg, p, end)) < end) { /* _LINKS.finditer(text, start, end) */
        int kind, bare;
        const Py_ssize_t m_start = p, m_end = link_at(sg, p, end, &kind, &bare);
        if (m_end < 0) {
            p++;
            continue;
        }
        Py_ssize_t unit_end = m_end;
        if (kind == URL) { /* trailing _URL_TAIL punctuation is not part of the URL */
            while (unit_end > m_start) {
                Py_UCS4 c = CH(sg, unit_end - 1);
                if (c != '.' && c != ',' && c != ';' && c != ':' && c != '!' && c != '?') {
                    break;
                }
                unit_end--;
            }
        }
        /* a bare URL or an autolink may follow the anchor it spells out */
        const Py_ssize_t anchor = bare ? spelled_anchor(sg, pos, m_start, unit_end) : m_start;
        if (anchor < 0 || sentences(sg, pos, anchor) < 0 || sentences(sg, anchor, m_start) < 0
            || emit(sg, m_start, unit_end, kind) < 0) {
            return -1;
        }
        pos = unit_end;
        p = m_end; /* the search goes on after the whole match, trailing punctuation included */
    }
    return sentences(sg, pos, end);
}

/* _REFDEF.match(text, pos, end):  [ \t]{0,8}\[[^\]\n]{1,80}\]:[ \t]*\S */
static int
refdef_at(const Segmenter *sg, Py_ssize_t pos, Py_ssize_t end)
{
    Py_ssize_t i = pos;
    while (i < end && i - pos < 8 && (CH(sg, i) == ' ' || CH(sg, i) == '\t')) {
        i++;
    }
    if (i >= end || CH(sg, i) != '[') {
        return 0;
    }
    i = closing(sg, i + 1, end, 1, 80, ']', 1);
    if (i < 0 || i >= end || CH(sg, i) != ':') {
        return 0;
    }
    for (i++; i < end && (CH(sg, i) == ' ' || CH(sg, i) == '\t'); i++) {
    }
    return i < end && !is_space(CH(sg, i));
}

/* --------------------------------------------------------------------------- segment() */

/* the index of the next '\n' from pos, or the length of the text */
static Py_ssize_t
line_end(const Segmenter *sg, Py_ssize_t pos)
{
    if (sg->kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *s = sg->data;
        const Py_UCS1 *newline = memchr(s + pos, '\n', (size_t)(sg->len - pos));
        return newline == NULL ? sg->len : newline - s;
    }
    return find_class(sg, pos, sg->len, NEWLINE);
}

PyDoc_STRVAR(segment_doc,
"segment(text, unit_type, /)\n"
"--\n"
"\n"
"The units of text, in order, as excise.segment.segment_python finds them.\n"
"\n"
"Each unit is unit_type made from (start, end, kind, para, line) the way\n"
"tuple.__new__(unit_type, fields) makes it: pass excise.segment.Unit, or tuple\n"
"for plain tuples.");

static PyObject *
segment(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "segment() takes exactly 2 arguments (%zd given)", nargs);
        return NULL;
    }
    PyObject *text = args[0], *unit_type = args[1];
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "segment() argument 1 must be str, not %.200s", Py_TYPE(text)->tp_name);
        return NULL;
    }
    if (!PyType_Check(unit_type) || !PyType_IsSubtype((PyTypeObject *)unit_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "segment() argument 2 must be tuple or a subclass of it");
        return NULL;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0) {
        return NULL;
    }
#endif
    Segmenter sg = {
        .text = text,
        .kind = PyUnicode_KIND(text),
        .data = PyUnicode_DATA(text),
        .len = PyUnicode_GET_LENGTH(text),
        .unit_type = (PyTypeObject *)unit_type,
        .units = PyList_New(0),
        .para = 0,
        .line = 0,
    };
    if (sg.units == NULL) {
        return NULL;
    }
    /* for line, raw in enumerate(text.split("\n")) */
    int blank = 0;
    for (Py_ssize_t pos = 0;;) {
        const Py_ssize_t end = line_end(&sg, pos);
        Py_ssize_t first = pos, last = end; /* the line stripped */
        while (first < last && is_space(CH(&sg, first))) {
            first++;
        }
        while (last > first && is_space(CH(&sg, last - 1))) {
            last--;
        }
        if (first < last) {
            if (blank) {
                sg.para++;
                blank = 0;
            }
            /* segment.py tries _LINK_TRIGGER first and splits a line without one into sentences
             * directly; that is what link_units does with a line without links, and every _LINKS match
             * holds a _LINK_TRIGGER match, so this skips the test */
            const int rc = refdef_at(&sg, pos, end) ? emit(&sg, first, last, REFDEF) : link_units(&sg, pos, end);
            if (rc < 0) {
                Py_DECREF(sg.units);
                return NULL;
            }
        }
        else if (PyList_GET_SIZE(sg.units) > 0) {
            blank = 1;
        }
        if (end == sg.len) {
            break;
        }
        pos = end + 1;
        sg.line++;
    }
    return sg.units;
}

/* --------------------------------------------------------------------------- the module */

static PyMethodDef methods[] = {
    {"segment", (PyCFunction)(void (*)(void))segment, METH_FASTCALL, segment_doc},
    {NULL, NULL, 0, NULL},
};

PyDoc_STRVAR(module_doc,
"The compiled segmenter: excise.segment.segment() calls it when it is built.\n"
"\n"
"STARTERS is its copy of the sentence-starting words of segment._STARTERS.");

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "excise._segment",
    .m_doc = module_doc,
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC
PyInit__segment(void)
{
    init_classes();
    if (str_lower == NULL && (str_lower = PyUnicode_InternFromString("lower")) == NULL) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) {
        return NULL;
    }
    PyObject *starters = PyTuple_New(N_STARTERS);
    if (starters == NULL) {
        Py_DECREF(module);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < (Py_ssize_t)N_STARTERS; i++) {
        PyObject *word = PyUnicode_FromString(STARTERS[i]);
        if (word == NULL) {
            Py_DECREF(starters);
            Py_DECREF(module);
            return NULL;
        }
        PyTuple_SET_ITEM(starters, i, word);
    }
    const int rc = PyModule_AddObjectRef(module, "STARTERS", starters);
    Py_DECREF(starters);
    if (rc < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
