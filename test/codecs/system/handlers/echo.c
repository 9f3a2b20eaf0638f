/* A once-mode exec handler in C: reads the JSON payload from stdin, replies on stdout.
   argv[1] picks a misbehaviour for the tests: exit3, crash, badjson, sleep. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  static char input[65536];
  size_t size = fread(input, 1, sizeof input - 1, stdin);
  while (size > 0 && (input[size - 1] == '\n' || input[size - 1] == '\r')) size--;
  input[size] = '\0';
  const char *how = argc > 1 ? argv[1] : "";
  if (strcmp(how, "exit3") == 0) {
    fprintf(stderr, "cannot handle %s\n", input);
    return 3;
  }
  if (strcmp(how, "crash") == 0) raise(SIGKILL);
  if (strcmp(how, "badjson") == 0) {
    printf("this is not json\n");
    return 0;
  }
  if (strcmp(how, "sleep") == 0) sleep(30);
  printf("{\"lang\":\"c\",\"input\":%s}\n", input);
  return 0;
}
