import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

/**
 * Returns `configured` when the user set it with `pulumi config set --secret`, or else a
 * generated 32-character password. Either way the value is a Pulumi secret.
 *
 * Generated passwords use letters and digits only, so they fit URLs (`amqp://`, `postgresql://`)
 * and shell-free config files without escaping.
 *
 * NOTE: PostgreSQL and RabbitMQ read their password variable only when they initialise an empty
 * volume. Setting or removing the config key later changes what the stack hands to clients, but
 * not what the server accepts. Change it in the server too, or recreate the level's volumes.
 */
export function secretOrGenerated(
  name: string,
  configured: pulumi.Output<string> | undefined,
  opts: pulumi.CustomResourceOptions,
): pulumi.Output<string> {
  if (configured !== undefined) {
    return pulumi.secret(configured);
  }
  const password = new random.RandomPassword(name, { length: 32, special: false }, opts);
  return pulumi.secret(password.result);
}
