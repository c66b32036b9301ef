/*
 * rdkafka_check: probes what the system librdkafka can do against a broker.
 * Used by compat_check.py (docs/kafka-compatibility.md); compiled into a temporary directory:
 *
 *   cc -O1 -o /tmp/rdkafka_check rdkafka_check.c $(pkg-config --cflags --libs rdkafka)
 *
 *   rdkafka_check produce BOOTSTRAP TOPIC COUNT [key=value ...]
 *       produce COUNT messages, wait for every delivery report; exit 0 if all were delivered.
 *   rdkafka_check group BOOTSTRAP TOPIC GROUP EXPECTED [key=value ...]
 *       subscribe in consumer group GROUP, read EXPECTED messages, commit synchronously,
 *       read the committed offsets back; exit 0 if all of that worked.
 *   rdkafka_check version
 *
 * Output: one "key: value" line per fact, for compat_check.py to parse.
 */
#include <librdkafka/rdkafka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int delivered = 0;
static int failed = 0;
static char first_error[512] = "";

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void remember_error(const char *what, rd_kafka_resp_err_t err, const char *detail) {
    if (first_error[0] == '\0')
        snprintf(first_error, sizeof first_error, "%s: %s (%s)%s%s", what, rd_kafka_err2name(err),
                 rd_kafka_err2str(err), detail ? ": " : "", detail ? detail : "");
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    (void)opaque;
    if (m->err) {
        failed++;
        remember_error("delivery", m->err, NULL);
    } else {
        delivered++;
    }
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
    (void)opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[256];
        rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, buf, sizeof buf);
        remember_error("fatal", orig, buf);
    }
    fprintf(stderr, "error_cb: %s: %s\n", rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

static rd_kafka_conf_t *make_conf(const char *bootstrap, int argc, char **argv) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "conf: %s\n", errstr);
        exit(2);
    }
    for (int i = 0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) {
            fprintf(stderr, "expected key=value, got %s\n", argv[i]);
            exit(2);
        }
        *eq = '\0';
        if (rd_kafka_conf_set(conf, argv[i], eq + 1, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            fprintf(stderr, "conf %s: %s\n", argv[i], errstr);
            exit(2);
        }
        *eq = '=';
    }
    rd_kafka_conf_set_error_cb(conf, error_cb);
    return conf;
}

static int do_produce(const char *bootstrap, const char *topic, int count, int argc, char **argv) {
    char errstr[512];
    rd_kafka_conf_t *conf = make_conf(bootstrap, argc, argv);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "rd_kafka_new: %s\n", errstr);
        return 2;
    }
    int enqueued = 0;
    for (int i = 0; i < count; i++) {
        char payload[128];
        int len = snprintf(payload, sizeof payload, "pyrolog compatibility check message %06d", i);
        rd_kafka_resp_err_t err;
        while ((err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(payload, (size_t)len),
                                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END)) ==
               RD_KAFKA_RESP_ERR__QUEUE_FULL)
            rd_kafka_poll(rk, 100);
        if (err) {
            remember_error("produce", err, NULL);
            break;
        }
        enqueued++;
        rd_kafka_poll(rk, 0);
    }
    rd_kafka_resp_err_t ferr = rd_kafka_flush(rk, 30000);
    if (ferr)
        remember_error("flush", ferr, NULL);
    char fatal[256] = "";
    rd_kafka_resp_err_t fatal_err = rd_kafka_fatal_error(rk, fatal, sizeof fatal);
    if (fatal_err)
        remember_error("fatal", fatal_err, fatal);
    printf("enqueued: %d\ndelivered: %d\nfailed: %d\nerror: %s\n", enqueued, delivered, failed,
           first_error[0] ? first_error : "none");
    rd_kafka_destroy(rk);
    return (delivered == count && !fatal_err) ? 0 : 1;
}

static int do_group(const char *bootstrap, const char *topic, const char *group, int expected, int argc,
                    char **argv) {
    char errstr[512];
    rd_kafka_conf_t *conf = make_conf(bootstrap, argc, argv);
    rd_kafka_conf_set(conf, "group.id", group, errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr, sizeof errstr);
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "rd_kafka_new: %s\n", errstr);
        return 2;
    }
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    printf("subscribe: %s\n", rd_kafka_err2name(err));
    int consumed = 0;
    double deadline = now_s() + 60.0;
    double first_message_at = 0.0, started = now_s();
    while (consumed < expected && now_s() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 500);
        if (!m)
            continue;
        if (m->err) {
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                remember_error("consume", m->err, rd_kafka_message_errstr(m));
        } else {
            if (consumed == 0)
                first_message_at = now_s();
            consumed++;
        }
        rd_kafka_message_destroy(m);
    }
    printf("consumed: %d\nfirst_message_after_s: %.1f\n", consumed,
           first_message_at > 0 ? first_message_at - started : -1.0);
    rd_kafka_resp_err_t cerr = consumed > 0 ? rd_kafka_commit(rk, NULL, 0) : RD_KAFKA_RESP_ERR__NO_OFFSET;
    printf("commit: %s\n", rd_kafka_err2name(cerr));
    if (cerr)
        remember_error("commit", cerr, NULL);

    rd_kafka_topic_partition_list_t *assigned = NULL;
    long long committed_total = 0;
    int committed_ok = 0;
    if (rd_kafka_assignment(rk, &assigned) == RD_KAFKA_RESP_ERR_NO_ERROR && assigned) {
        rd_kafka_resp_err_t qerr = rd_kafka_committed(rk, assigned, 10000);
        printf("committed_query: %s\n", rd_kafka_err2name(qerr));
        if (!qerr) {
            committed_ok = 1;
            for (int i = 0; i < assigned->cnt; i++) {
                if (assigned->elems[i].err) {
                    remember_error("committed", assigned->elems[i].err, NULL);
                    committed_ok = 0;
                }
                if (assigned->elems[i].offset > 0)
                    committed_total += assigned->elems[i].offset;
            }
        } else {
            remember_error("committed", qerr, NULL);
        }
        rd_kafka_topic_partition_list_destroy(assigned);
    }
    printf("committed_offsets_sum: %lld\n", committed_total);
    rd_kafka_resp_err_t clerr = rd_kafka_consumer_close(rk);
    printf("close: %s\n", rd_kafka_err2name(clerr));
    printf("error: %s\n", first_error[0] ? first_error : "none");
    rd_kafka_destroy(rk);
    int ok = consumed == expected && !cerr && committed_ok && committed_total == expected;
    return ok ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "version") == 0) {
        printf("librdkafka: %s\n", rd_kafka_version_str());
        return 0;
    }
    if (argc >= 5 && strcmp(argv[1], "produce") == 0)
        return do_produce(argv[2], argv[3], atoi(argv[4]), argc - 5, argv + 5);
    if (argc >= 6 && strcmp(argv[1], "group") == 0)
        return do_group(argv[2], argv[3], argv[4], atoi(argv[5]), argc - 6, argv + 6);
    fprintf(stderr,
            "usage: %s produce BOOTSTRAP TOPIC COUNT [k=v ...]\n"
            "       %s group BOOTSTRAP TOPIC GROUP EXPECTED [k=v ...]\n"
            "       %s version\n",
            argv[0], argv[0], argv[0]);
    return 2;
}
