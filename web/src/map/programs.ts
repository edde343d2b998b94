/**
 * Sigma's own node and edge programs without two costs it pays every frame,
 * which software WebGL (SwiftShader, the only WebGL without a GPU) pays dearly:
 *
 * - `Program.bindProgram` uploads the whole instance array (`bufferData`) for
 *   every pass of every frame, though the array only changes when sigma
 *   re-processes the graph (a refresh). Here each pass's buffer is uploaded
 *   again only after the array changed.
 * - The picking pass (node ids drawn off-screen, read back for hover and
 *   click) is skipped while the camera moves with edges hidden: nothing is
 *   hovered mid-move, and sigma draws a still frame, picking included, once
 *   the move ends (the end of an animation, or its refresh on mouse-up).
 *
 * What is drawn is unchanged: same shaders, same data.
 */
import type Sigma from 'sigma';
import { EdgeRectangleProgram, NodeCircleProgram, type Program, type ProgramInfo } from 'sigma/rendering';
import type { RenderParams } from 'sigma/types';

/** Sigma's own test (`Sigma.render`) of a camera in motion, for a renderer. */
export function cameraMoving(renderer: Sigma): boolean {
  const mouse = renderer.getMouseCaptor();
  return renderer.getCamera().isAnimated() || mouse.isMoving || mouse.draggedEvents > 0 || mouse.currentWheelDirection !== 0;
}

/** A concrete sigma program class (TypeScript's mixin pattern needs a constructor of any arguments). */
/* eslint-disable @typescript-eslint/no-explicit-any */
type ProgramClass = new (...args: any[]) => Program & {
  getDefinition(): ReturnType<Program['getDefinition']>;
  setUniforms(params: RenderParams, info: ProgramInfo): void;
  process(...args: any[]): void;
};
/* eslint-enable @typescript-eslint/no-explicit-any */

function lean<TBase extends ProgramClass>(Base: TBase) {
  return class Lean extends Base {
    /** Bumped whenever the instance array may have changed. */
    private arrayVersion = 0;
    private readonly uploaded = new WeakMap<ProgramInfo, number>();

    override reallocate(capacity: number): void {
      super.reallocate(capacity);
      this.arrayVersion += 1;
    }

    override process(...args: unknown[]): void {
      this.arrayVersion += 1;
      super.process(...args);
    }

    protected override bindProgram(program: ProgramInfo): void {
      if (this.uploaded.get(program) !== this.arrayVersion) {
        super.bindProgram(program);
        this.uploaded.set(program, this.arrayVersion);
        return;
      }
      // Sigma's bindProgram without its two bufferData calls: the buffers already hold the data.
      const { gl } = program;
      let offset = 0;
      if (this.isInstanced) {
        gl.bindBuffer(gl.ARRAY_BUFFER, program.constantBuffer);
        for (const attr of this.CONSTANT_ATTRIBUTES) offset += this.bindAttribute(attr, program, offset, false);
        offset = 0;
      }
      gl.bindBuffer(gl.ARRAY_BUFFER, program.buffer);
      for (const attr of this.ATTRIBUTES) offset += this.bindAttribute(attr, program, offset, this.isInstanced);
      gl.bindBuffer(gl.ARRAY_BUFFER, null);
    }

    override render(params: RenderParams): void {
      const renderer = this.renderer as unknown as Sigma;
      if (this.pickProgram === null || !renderer.getSetting('hideEdgesOnMove') || !cameraMoving(renderer)) {
        super.render(params);
        return;
      }
      // Program.render without its picking pass.
      if (this.hasNothingToRender()) return;
      this.normalProgram.gl.viewport(0, 0, params.width * params.pixelRatio, params.height * params.pixelRatio);
      this.bindProgram(this.normalProgram);
      this.renderProgram(params, this.normalProgram);
      this.unbindProgram(this.normalProgram);
    }
  };
}

export const LeanNodeCircleProgram = lean(NodeCircleProgram);
export const LeanEdgeRectangleProgram = lean(EdgeRectangleProgram);
