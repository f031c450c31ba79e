"""A one-feature LinearRegression (y = 2x + 1) logged to a tracking server, for deploy tests.

Run it in a thread from async tests: Jupyter (and the owner gate in front of the local server)
runs on the test's event loop. MLflow's global state (tracking URI, active experiment) is
restored afterwards, so later tests see none of it.
"""

import os


def log_line_model(tracking_uri: str, experiment: str = "tiny-model"):
    """Log the model; return MLflow's ModelInfo (``.model_uri``)."""
    import mlflow
    import mlflow.tracking._tracking_service.utils as tracking_utils
    import mlflow.tracking.fluent as fluent
    import sklearn
    from sklearn.linear_model import LinearRegression

    previous = tracking_utils._tracking_uri, fluent._active_experiment_id
    try:
        mlflow.set_tracking_uri(tracking_uri)
        mlflow.set_experiment(experiment)  # not an experiment id of an earlier test's server
        model = LinearRegression().fit([[0.0], [1.0], [2.0]], [1.0, 3.0, 5.0])
        with mlflow.start_run():
            return mlflow.sklearn.log_model(
                model, name="model", pip_requirements=[f"scikit-learn=={sklearn.__version__}"]
            )
    finally:
        tracking_utils._tracking_uri, fluent._active_experiment_id = previous
        os.environ.pop("MLFLOW_TRACKING_URI", None)
        os.environ.pop("MLFLOW_EXPERIMENT_ID", None)
