/*
 * An exec handler in C (docs/kinds/exec.md, mode once): weft writes the packet as JSON on
 * stdin and takes the JSON this program prints on stdout as the reply. A non-zero exit is an
 * error reply (ERR_EXEC_FAILED) carrying what was written to stderr.
 *
 * Build: gcc -O2 -o examples/exec-c/greet examples/exec-c/greet.c
 *
 * Input:  the listener's request map, whose body is {"name": "Ada"}
 * Output: {"status": 200, "body": {"greeting": "hello, Ada"}}
 *
 * The JSON handling is deliberately tiny (it finds the first "name" string and allows no
 * escapes in it); a real handler would use a JSON library such as cJSON or jansson.
 */
#include <stdio.h>
#include <string.h>

int main(void) {
  static char input[1 << 16];
  size_t size = fread(input, 1, sizeof input - 1, stdin);
  input[size] = '\0';

  const char *key = strstr(input, "\"name\"");
  const char *start = key == NULL ? NULL : strchr(key + 6, '"');
  const char *end = start == NULL ? NULL : strchr(start + 1, '"');
  if (end == NULL || end - start > 200) {
    fprintf(stderr, "greet: the body has no short \"name\" string\n");
    return 2;
  }
  printf("{\"status\":200,\"body\":{\"greeting\":\"hello, %.*s\"}}\n", (int)(end - start - 1), start + 1);
  return 0;
}
