"""Airflow DAG: nightly `sparkcnn retrain` through spark-submit (written for Airflow 2.x; not run here).

Needs apache-airflow-providers-apache-spark and a Spark connection "spark_default" whose host is
the cluster's master. In client mode the driver runs inside spark-submit, so its exit status is
spark-submit's: 0 promoted, 3 kept (the challenger was not better by the margin), 1 failed,
2 bad input. SparkSubmitOperator fails the task on any non-zero status, so a "kept" night shows
as a failed task (retries are off: running again would only add another version). To see "kept"
as skipped instead, run the same spark-submit line from a BashOperator with skip_on_exit_code=3.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

with DAG(
    dag_id="sparkcnn_retrain",
    schedule="0 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 0, "execution_timeout": timedelta(hours=6)},
    tags=["sparkcnn"],
) as dag:
    SparkSubmitOperator(
        task_id="retrain",
        conn_id="spark_default",
        application="/opt/sparkcnn/sparkcnn-app.jar",
        java_class="dev.sparkcnn.driver.Main",
        deploy_mode="client",
        application_args=[
            "retrain",
            "--registry", "hdfs:///models",
            "--name", "cifar",
            "--data", "hdfs:///data/cifar-10-batches-bin",
            "--lr-factor", "0.1",
            "--margin", "0.005",
            "--epochs", "2",
        ],
        conf={
            "spark.task.cpus": "1",
            "spark.executorEnv.OMP_NUM_THREADS": "1",
        },
    )
