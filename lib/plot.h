/* `tlbbench plot DIR [NEW]`: gnuplot plots of result directories. */
#ifndef TLBBENCH_PLOT_H
#define TLBBENCH_PLOT_H

int cmd_plot(int argc, char **argv);

#endif
